import { z } from "zod";
import {
  CONTROL_CHARACTERS_REFUSED,
  INVISIBLE_CHARACTERS_REFUSED,
  NO_CONTROL_CHARACTERS,
  NO_INVISIBLE_CHARACTERS,
} from "@/lib/pki/name-text";
import { daysSchema } from "@/lib/validation";

// Printable subject text: shown on pages and copied as the issuer into every certificate, so no
// control characters (they break PEM-to-text tools) and nothing invisible (bidi controls can
// make a name read as another).
const subjectText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} is at most ${max} characters.`)
    .regex(NO_CONTROL_CHARACTERS, `${label} ${CONTROL_CHARACTERS_REFUSED}`)
    .regex(NO_INVISIBLE_CHARACTERS, `${label} ${INVISIBLE_CHARACTERS_REFUSED}`);

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
