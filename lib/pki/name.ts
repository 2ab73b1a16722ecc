import "server-only";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { nameTextProblem } from "@/lib/pki/name-text";

// @types/node-forge types valueTagClass as a tag class; forge stores the string type there
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
const MAX_LENGTH = 64; // ub-common-name and friends, RFC 5280 appendix A

export interface NameInput {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

/**
 * Subject attributes, most general first, as UTF8String: RFC 5280 asks for it, and Go refuses
 * a whole certificate whose PrintableString holds "_" or "@".
 */
export function buildName(input: NameInput): forge.pki.CertificateField[] {
  const parts: [string, keyof NameInput, string | undefined][] = [
    ["organizationName", "organization", input.organization],
    ["organizationalUnitName", "organizationalUnit", input.organizationalUnit],
    ["commonName", "commonName", input.commonName],
  ];
  const fields: forge.pki.CertificateField[] = [];
  for (const [name, field, value] of parts) {
    if (value === undefined || (field !== "commonName" && value === "")) continue;
    checkValue(field, value);
    fields.push({ name, value, valueTagClass: UTF8 });
  }
  return fields;
}

function checkValue(field: string, value: string): void {
  if (value.trim() === "") throw InputError.forField(field, "This cannot be empty.");
  if ([...value].length > MAX_LENGTH) {
    throw InputError.forField(field, `This is limited to ${MAX_LENGTH} characters in a certificate.`);
  }
  const problem = nameTextProblem(value);
  if (problem) throw InputError.forField(field, `This ${problem}`);
}

/** An attribute value as text: forge leaves UTF8String values as raw UTF-8 bytes (BMPString it decodes). */
export function attributeText(field: forge.pki.CertificateField): string {
  const value = String(field.value ?? "");
  return field.valueTagClass === UTF8 ? forge.util.decodeUtf8(value) : value;
}

/** One-line distinguished name in certificate order, "O=Example, CN=Docker CA"; escaped as RFC 4514 says. */
export function formatName(fields: forge.pki.CertificateField[]): string {
  return fields
    .map((f) => `${f.shortName ?? f.name ?? f.type}=${attributeText(f).replace(/[,+"\\<>;]/g, "\\$&")}`)
    .join(", ");
}

export function commonNameOf(fields: forge.pki.CertificateField[]): string | null {
  const cn = fields.find((f) => f.name === "commonName");
  return cn ? attributeText(cn) : null;
}
