import "server-only";
import { createHash, createPublicKey } from "node:crypto";
import { InputError } from "@/lib/errors";
import type { KeyType } from "@/lib/pki/key-types";
import { keySpecOf } from "@/lib/pki/keys";
import { commonNameOf, formatName } from "@/lib/pki/name";
import { parseCertificatePem } from "@/lib/pki/pem";

export interface CertificateSummary {
  /** One line, certificate order: "O=Example, CN=Docker CA". */
  subject: string;
  commonName: string | null;
  issuer: string;
  /** Lowercase hex of the serial's value, without a sign byte. */
  serial: string;
  /** SHA-256 of the DER certificate, lowercase hex without separators (the form stored and compared). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  keyType: KeyType;
  keySize: number;
  isCa: boolean;
  /** False when the certificate has no keyUsage extension (the classic openssl recipe's CA). */
  hasKeyUsage: boolean;
}

interface AltName {
  type: number;
  value: string;
  ip?: string;
}

export function describeCertificate(pem: string): CertificateSummary {
  let parsed: ReturnType<typeof parseCertificatePem>;
  try {
    parsed = parseCertificatePem(pem);
  } catch {
    throw InputError.forField("certPem", "This is not a PEM certificate that dockpki can read.");
  }
  const { der, cert, spkiDer } = parsed;
  const key = keySpecOf(createPublicKey({ key: spkiDer, format: "der", type: "spki" }));
  if (!key) throw InputError.forField("certPem", "This certificate's key is neither ECDSA (P-256, P-384) nor RSA.");
  const altNames = (cert.getExtension("subjectAltName") as { altNames?: AltName[] } | null)?.altNames ?? [];
  const constraints = cert.getExtension("basicConstraints") as { cA?: boolean } | null;
  return {
    subject: formatName(cert.subject.attributes),
    commonName: commonNameOf(cert.subject.attributes),
    issuer: formatName(cert.issuer.attributes),
    serial: cert.serialNumber.replace(/^(00)+(?=.)/, "").toLowerCase(),
    fingerprint: createHash("sha256").update(der).digest("hex"),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    dnsNames: altNames.filter((n) => n.type === 2).map((n) => n.value),
    ipAddresses: altNames.filter((n) => n.type === 7 && n.ip).map((n) => n.ip as string),
    keyType: key.keyType,
    keySize: key.keySize,
    isCa: constraints?.cA === true,
    hasKeyUsage: cert.getExtension("keyUsage") !== null,
  };
}
