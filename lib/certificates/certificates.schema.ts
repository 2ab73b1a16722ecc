import { z } from "zod";
import { daysSchema, KEY_SIZE_IS_FOR_RSA, keyChoiceFields } from "@/lib/validation";

export const issueSchema = z
  .object({
    days: daysSchema.optional(),
    ...keyChoiceFields,
    csrPem: z
      .string()
      .trim()
      .max(64 * 1024, "The CSR is too large to be a PEM file.")
      .optional()
      .transform((v) => v || undefined),
  })
  .refine(KEY_SIZE_IS_FOR_RSA.check, { message: KEY_SIZE_IS_FOR_RSA.message, path: ["keySize"] });

export type IssueInput = Partial<z.infer<typeof issueSchema>>;

/** POST .../bundle.p12: the passphrase the admin chose, or none for a generated one. */
export const pkcs12RequestSchema = z.object({
  passphrase: z
    .string("The passphrase is text.")
    .min(12, "A passphrase has at least 12 characters; leave it out and dockpki makes one.")
    .max(1024, "A passphrase has at most 1024 characters.")
    .refine((p) => !/\p{Cc}/u.test(p), "A passphrase cannot hold control characters.")
    .optional(),
});
