import "server-only";
import { createHash } from "node:crypto";
import type forge from "node-forge";
import { InputError } from "@/lib/errors";
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
    throw InputError.forField("certPem", "This is not a PEM certificate with an RSA key that dockpki can read.");
  }
  const { der, cert } = parsed;
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
    keySize: (cert.publicKey as forge.pki.rsa.PublicKey).n.bitLength(),
    isCa: constraints?.cA === true,
    hasKeyUsage: cert.getExtension("keyUsage") !== null,
  };
}
