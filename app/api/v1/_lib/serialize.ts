import "server-only";
import type { CaInfo } from "@/lib/cas";

/** JSON shapes of the API. Built from the public selects of lib/, which never include keys. */
export function caJson(ca: NonNullable<CaInfo>) {
  return {
    id: ca.id,
    status: ca.status,
    commonName: ca.commonName,
    subject: ca.subject,
    serial: ca.serial,
    fingerprintSha256: ca.fingerprint,
    keyAlgorithm: ca.keyAlgorithm,
    keySize: ca.keySize,
    notBefore: ca.notBefore.toISOString(),
    notAfter: ca.notAfter.toISOString(),
    imported: ca.imported,
    certPem: ca.certPem,
  };
}
