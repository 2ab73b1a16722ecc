import "server-only";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { parseCertificatePem } from "@/lib/pki/pem";

/** A CA as stored: its certificate and its unencrypted private key, both PEM. */
export interface CaKeyPair {
  certPem: string;
  keyPem: string;
}

export interface CaSigner {
  keyPem: string;
  /** The CA subject exactly as encoded in its certificate: the issuer of what it signs. */
  name: forge.asn1.Asn1;
  /** For authorityKeyIdentifier: the CA's own subjectKeyIdentifier, as forge bytes. */
  keyIdentifier: string;
  notAfter: Date;
}

export function loadCaSigner(ca: CaKeyPair): CaSigner {
  let parsed: ReturnType<typeof parseCertificatePem>;
  try {
    parsed = parseCertificatePem(ca.certPem);
  } catch {
    throw InputError.forField("certPem", "The CA certificate could not be read.");
  }
  const { cert, subjectAsn1 } = parsed;
  const ski = cert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | null;
  // without the extension: RFC 5280 method 1 (SHA-1 of the public key), as forge computes it
  const keyIdentifier = ski?.subjectKeyIdentifier
    ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
    : cert.generateSubjectKeyIdentifier().getBytes();
  return { keyPem: ca.keyPem, name: subjectAsn1, keyIdentifier, notAfter: cert.validity.notAfter };
}
