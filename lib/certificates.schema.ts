import { z } from "zod";
import { daysSchema } from "@/lib/validation";

export const issueSchema = z.object({
  days: daysSchema.optional(),
  csrPem: z
    .string()
    .trim()
    .max(64 * 1024, "The CSR is too large to be a PEM file.")
    .optional()
    .transform((v) => v || undefined),
});

export type IssueInput = Partial<z.infer<typeof issueSchema>>;
