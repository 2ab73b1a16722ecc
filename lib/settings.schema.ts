import { z } from "zod";
import { daysSchema, sslDirSchema } from "@/lib/validation";

/** Every setting an admin can change, with its default. */
export const settingsSchema = z.object({
  sslDir: sslDirSchema.default("/etc/docker/ssl"),
  serverCertDays: daysSchema.default(365),
  clientCertDays: daysSchema.default(90),
  crlDays: daysSchema.default(7),
  leafKeySize: z.coerce
    .number()
    .refine((n) => n === 2048 || n === 3072 || n === 4096, "Choose 2048, 3072 or 4096 bits.")
    .default(3072)
    .transform((n) => n as 2048 | 3072 | 4096),
});

export type Settings = z.infer<typeof settingsSchema>;
