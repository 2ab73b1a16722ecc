import "server-only";
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import type forge from "node-forge";
import { InputError } from "@/lib/errors";
import { subjectKeyIdentifier } from "@/lib/pki/keys";
import { parseCertificatePem } from "@/lib/pki/pem";
import { type SigningKey, signingKey } from "@/lib/pki/sign";

/** A CA as stored: its certificate and its unencrypted private key, both PEM. */
export interface CaKeyPair {
  certPem: string;
  keyPem: string;
  /** The offline root above an issuing (intermediate) CA: its name constraints bind the leaves too. */
  anchorPem?: string;
}

export interface CaSigner {
  /** The CA's private key, parsed once, and the algorithm it signs with. */
  signer: SigningKey;
  /** The CA's public key (name constraints, chain checks). */
  publicKey: KeyObject;
  /** The CA subject exactly as encoded in its certificate: the issuer of what it signs. */
  name: forge.asn1.Asn1;
  /** For authorityKeyIdentifier: the CA's own subjectKeyIdentifier. */
  keyIdentifier: Buffer;
  notAfter: Date;
}

// Parsing the certificate with forge and the key with OpenSSL costs ~1 ms per issuance; the few CAs
// an install has are kept parsed, by a digest of the pair (a rotation or import is a new entry).
const cache = new Map<string, CaSigner>();
const CACHE_SIZE = 8;

export function loadCaSigner(ca: CaKeyPair): CaSigner {
  const id = createHash("sha256").update(ca.certPem).update("\0").update(ca.keyPem).digest("hex");
  const cached = cache.get(id);
  if (cached) return cached;
  const loaded = parseSigner(ca);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(id, loaded);
  return loaded;
}

function parseSigner(ca: CaKeyPair): CaSigner {
  let parsed: ReturnType<typeof parseCertificatePem>;
  try {
    parsed = parseCertificatePem(ca.certPem);
  } catch {
    throw InputError.forField("certPem", "The CA certificate could not be read.");
  }
  const { cert, subjectAsn1, spkiDer } = parsed;
  const ski = cert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | null;
  // without the extension: RFC 5280 method 1 (SHA-1 of the public key), as openssl computes it
  const keyIdentifier = ski?.subjectKeyIdentifier
    ? Buffer.from(ski.subjectKeyIdentifier, "hex")
    : subjectKeyIdentifier(spkiDer);
  return {
    signer: signingKey(ca.keyPem),
    publicKey: createPublicKey({ key: spkiDer, format: "der", type: "spki" }),
    name: subjectAsn1,
    keyIdentifier,
    notAfter: cert.validity.notAfter,
  };
}
