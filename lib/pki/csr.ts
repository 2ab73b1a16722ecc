import "server-only";
import { createPublicKey, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { describeKey, MIN_RSA_BITS, usableRsaBits } from "@/lib/pki/keys";
import { commonNameOf } from "@/lib/pki/name";
import { pemBlocks, toBuffer, toBytes } from "@/lib/pki/pem";

export interface ParsedCsr {
  publicKeyPem: string;
  keySize: number;
  /** What the requester put in the subject; the certificate gets dockpki's name anyway. */
  commonName: string | null;
}

const { oids } = forge.pki;
const SIGNATURE_OIDS = new Set([
  oids.sha256WithRSAEncryption,
  oids.sha384WithRSAEncryption,
  oids.sha512WithRSAEncryption,
  oids.sha1WithRSAEncryption,
]);

const fail = (message: string) => InputError.forField("csrPem", message);

/**
 * The public key of a certificate signing request whose self-signature holds. Everything else
 * it asks for (subject, SANs, key usage) is ignored: the issuing profile decides.
 */
export function parseCsr(pem: string): ParsedCsr {
  const [der] = [...pemBlocks(pem, "CERTIFICATE REQUEST"), ...pemBlocks(pem, "NEW CERTIFICATE REQUEST")];
  if (!der)
    throw fail("No certificate request found. Paste the CSR, starting with -----BEGIN CERTIFICATE REQUEST-----.");
  let asn: forge.asn1.Asn1;
  let key: KeyObject;
  try {
    asn = forge.asn1.fromDer(toBytes(der));
    const info = (asn.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    key = createPublicKey({ key: toBuffer(forge.asn1.toDer(info[2]).getBytes()), format: "der", type: "spki" });
  } catch {
    throw fail("The certificate request is damaged and could not be read.");
  }
  const keySize = usableRsaBits(key);
  if (keySize === null) {
    throw fail(
      `dockpki issues certificates for RSA keys of at least ${MIN_RSA_BITS} bits; this request has ${describeKey(key)}. ` +
        "Create it with: openssl req -new -newkey rsa:3072 -nodes -keyout key.pem -out req.csr",
    );
  }
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromAsn1(asn);
  } catch {
    throw fail("The certificate request is damaged and could not be read.");
  }
  if (!SIGNATURE_OIDS.has(csr.signatureOid ?? "")) {
    throw fail("The request is signed with an algorithm dockpki cannot check; create it with RSA and SHA-256.");
  }
  let verified = false;
  try {
    verified = csr.verify();
  } catch {
    // forge throws instead of returning false when the signature block does not decode
  }
  if (!verified) throw fail("The request's signature does not match its contents: it was altered or damaged.");
  return {
    publicKeyPem: key.export({ type: "spki", format: "pem" }).toString(),
    keySize,
    commonName: commonNameOf(csr.subject.attributes),
  };
}
