import "server-only";
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { childrenOf, contentOf, elementOf, oidText, readRoot, TAG } from "@/lib/pki/der";
import type { KeySpec } from "@/lib/pki/key-types";
import { keyRefusal, keySpecOf, spkiForCertificate } from "@/lib/pki/keys";
import { commonNameOf } from "@/lib/pki/name";
import { derToPem, pemBlocks, toBytes } from "@/lib/pki/pem";

export interface ParsedCsr {
  publicKeyPem: string;
  key: KeySpec;
  /** What the requester put in the subject; the certificate gets dockpki's name anyway. */
  commonName: string | null;
}

// The algorithm must fit the key: an RSA signature algorithm with an EC key is refused as unknown
const DIGESTS: Record<"rsa" | "ec", Record<string, string>> = {
  rsa: {
    "1.2.840.113549.1.1.11": "sha256", // sha256WithRSAEncryption
    "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
  },
  ec: {
    "1.2.840.10045.4.3.2": "sha256", // ecdsa-with-SHA256
    "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
  },
};
const SHA1_WITH = ["1.2.840.113549.1.1.5", "1.2.840.10045.4.1"]; // sha1WithRSAEncryption, ecdsa-with-SHA1

const fail = (message: string) => InputError.forField("csrPem", message);
const damaged = () => fail("The certificate request is damaged and could not be read.");

/**
 * The public key of a certificate signing request whose self-signature holds. Everything else
 * it asks for (subject, SANs, key usage) is ignored: the issuing profile decides. The key is
 * checked for size and exponent before anything is computed with it, and the signature is
 * checked natively over the request's own bytes.
 */
export function parseCsr(pem: string): ParsedCsr {
  const [der] = [...pemBlocks(pem, "CERTIFICATE REQUEST"), ...pemBlocks(pem, "NEW CERTIFICATE REQUEST")];
  if (!der)
    throw fail("No certificate request found. Paste the CSR, starting with -----BEGIN CERTIFICATE REQUEST-----.");
  const parts = readRequest(der);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: parts.spki, format: "der", type: "spki" });
  } catch {
    throw damaged();
  }
  const refusal = keyRefusal(key, "this request has");
  if (refusal)
    throw fail(
      `${refusal} Create it with: openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out req.csr`,
    );

  if (SHA1_WITH.includes(parts.algorithm)) {
    throw fail(
      "The request is signed with SHA-1, which is no longer safe; create it again with SHA-256 (openssl's default).",
    );
  }
  const digest = DIGESTS[key.asymmetricKeyType === "ec" ? "ec" : "rsa"][parts.algorithm];
  if (!digest)
    throw fail(
      "The request is signed with an algorithm dockpki cannot check for its key; create it with openssl's default (SHA-256).",
    );
  let verified = false;
  try {
    verified = verify(digest, parts.info, key, parts.signature);
  } catch {
    // a signature that does not decode is as wrong as one that does not match
  }
  if (!verified) throw fail("The request's signature does not match its contents: it was altered or damaged.");
  return {
    publicKeyPem: derToPem("PUBLIC KEY", spkiForCertificate(key)),
    key: keySpecOf(key) as KeySpec,
    commonName: requestedCommonName(parts.subject),
  };
}

// Not in @types/node-forge; forge itself reads certificate names with it
const rdnAttributes = (
  forge.pki as unknown as { RDNAttributesAsArray(rdn: forge.asn1.Asn1): forge.pki.CertificateField[] }
).RDNAttributesAsArray;

/** forge still decodes the subject (UTF8String, BMPString...): only once the request has proven sound. */
function requestedCommonName(subject: Buffer): string | null {
  try {
    return commonNameOf(rdnAttributes(forge.asn1.fromDer(toBytes(subject))));
  } catch {
    throw damaged();
  }
}

interface RequestParts {
  /** The CertificationRequestInfo exactly as sent: what the signature covers. */
  info: Buffer;
  subject: Buffer;
  spki: Buffer;
  algorithm: string;
  signature: Buffer;
}

/** CertificationRequest ::= SEQUENCE { info, signatureAlgorithm, signature BIT STRING } (RFC 2986). */
function readRequest(der: Buffer): RequestParts {
  try {
    const [info, algorithm, signature] = childrenOf(der, readRoot(der, TAG.SEQUENCE), [
      TAG.SEQUENCE,
      TAG.SEQUENCE,
      TAG.BIT_STRING,
    ]);
    // info: version, subject, subjectPKInfo, [0] attributes
    const [, subject, spki] = childrenOf(der, info, [TAG.INTEGER, TAG.SEQUENCE, TAG.SEQUENCE]);
    const [oid] = childrenOf(der, algorithm, [TAG.OID]);
    const bits = contentOf(der, signature);
    if (bits.length < 2 || bits[0] !== 0) throw new Error("signature is not whole bytes");
    return {
      info: elementOf(der, info),
      subject: elementOf(der, subject),
      spki: elementOf(der, spki),
      algorithm: oidText(contentOf(der, oid)),
      signature: bits.subarray(1),
    };
  } catch {
    throw damaged();
  }
}
