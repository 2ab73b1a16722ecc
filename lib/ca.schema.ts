import { z } from "zod";
import { daysSchema } from "@/lib/validation";

// Printable subject text: no control characters, which would also break PEM-to-text tools.
const subjectText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} is at most ${max} characters.`)
    .regex(/^[^\p{Cc}]*$/u, `${label} cannot contain control characters.`);

export const KEY_SIZES = [2048, 3072, 4096] as const;

export const caCreateSchema = z.object({
  commonName: subjectText("The common name", 64).min(1, "Name the CA, e.g. Docker CA."),
  organization: subjectText("The organization", 64)
    .optional()
    .transform((v) => v || undefined),
  organizationalUnit: subjectText("The organizational unit", 64)
    .optional()
    .transform((v) => v || undefined),
  keySize: z.coerce
    .number()
    .refine((n) => (KEY_SIZES as readonly number[]).includes(n), "Choose a key size of 2048, 3072 or 4096 bits.")
    .default(4096)
    .transform((n) => n as (typeof KEY_SIZES)[number]),
  days: daysSchema.default(3650),
});

const pemField = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `Paste or upload ${label}.`)
    .max(64 * 1024, `${label} is too large to be a PEM file.`);

export const caImportSchema = z.object({
  certPem: pemField("the CA certificate (ca.pem)"),
  keyPem: pemField("the CA private key (ca-key.pem)"),
  passphrase: z
    .string()
    .max(1024)
    .optional()
    .transform((v) => v || undefined),
});

export type CaCreateInput = z.infer<typeof caCreateSchema>;
export type CaImportInput = z.infer<typeof caImportSchema>;
