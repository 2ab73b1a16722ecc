import { z } from "zod";
import {
  CONTROL_CHARACTERS_REFUSED,
  INVISIBLE_CHARACTERS_REFUSED,
  NO_CONTROL_CHARACTERS,
  NO_INVISIBLE_CHARACTERS,
} from "@/lib/pki/name-text";
import { daysSchema, KEY_SIZE_IS_FOR_RSA, keyChoiceFields } from "@/lib/validation";

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

export const caCreateSchema = z
  .object({
    commonName: subjectText("The common name", 64).min(1, "Name the CA, e.g. Docker CA."),
    organization: subjectText("The organization", 64)
      .optional()
      .transform((v) => v || undefined),
    organizationalUnit: subjectText("The organizational unit", 64)
      .optional()
      .transform((v) => v || undefined),
    ...keyChoiceFields,
    days: daysSchema.default(3650),
  })
  .refine(KEY_SIZE_IS_FOR_RSA.check, { message: KEY_SIZE_IS_FOR_RSA.message, path: ["keySize"] });

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

/** POST /api/v1/ca/intermediate: the issuing CA's name and key; five years unless said. */
export const intermediateRequestSchema = z
  .object({
    commonName: subjectText("The common name", 64).min(1, "Name the issuing CA, e.g. Docker Issuing CA 1."),
    ...keyChoiceFields,
    days: daysSchema.default(1825),
  })
  .refine(KEY_SIZE_IS_FOR_RSA.check, { message: KEY_SIZE_IS_FOR_RSA.message, path: ["keySize"] });

/** POST /api/v1/ca/intermediate/certificate: what the offline root signed, and the root itself. */
export const intermediateActivateSchema = z.object({
  certPem: pemField("the signed intermediate certificate (intermediate.pem)"),
  rootPem: pemField("the root certificate (root.pem)"),
});

export type IntermediateRequestInput = z.infer<typeof intermediateRequestSchema>;
export type IntermediateActivateInput = z.infer<typeof intermediateActivateSchema>;
