import "server-only";
import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import forge from "node-forge";
import { keySpecOf } from "@/lib/pki/keys";
import { STAND_IN_KEY, toBuffer } from "@/lib/pki/pem";

const { asn1, pki } = forge;

/** How a CA signs: the AlgorithmIdentifier written into what it signs, and the digest. */
export interface SignatureAlgorithm {
  /** "sha256WithRSAEncryption", "ecdsa-with-SHA256", "ecdsa-with-SHA384". */
  name: string;
  oid: string;
  digest: "sha256" | "sha384";
  /** The AlgorithmIdentifier, for the TBS structures forge and dockpki assemble. */
  identifier: () => forge.asn1.Asn1;
  /** The same, DER-encoded, for the outer SEQUENCE of what is signed. */
  der: Buffer;
}

function algorithm(name: string, oid: string, digest: "sha256" | "sha384", nullParameters: boolean) {
  const identifier = () =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      ...(nullParameters ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")] : []),
    ]);
  return { name, oid, digest, identifier, der: toBuffer(asn1.toDer(identifier()).getBytes()) } as SignatureAlgorithm;
}

// RSA: the NULL parameters RFC 4055 asks for; ECDSA: no parameters at all (RFC 5758 3.2). The
// ECDSA digest follows the curve (SHA-384 for P-384), as Go's x509.CreateCertificate picks it.
const ALGORITHMS = {
  rsa: algorithm("sha256WithRSAEncryption", "1.2.840.113549.1.1.11", "sha256", true),
  "ecdsa-p256": algorithm("ecdsa-with-SHA256", "1.2.840.10045.4.3.2", "sha256", false),
  "ecdsa-p384": algorithm("ecdsa-with-SHA384", "1.2.840.10045.4.3.3", "sha384", false),
} as const;

/** A CA's private key, parsed once, with the algorithm it signs with. */
export interface SigningKey {
  key: KeyObject;
  algorithm: SignatureAlgorithm;
}

export function signingKey(keyPem: string | KeyObject): SigningKey {
  const key = typeof keyPem === "string" ? createPrivateKey(keyPem) : keyPem;
  const spec = keySpecOf(key);
  if (!spec) throw new Error("a CA key dockpki cannot sign with");
  return { key, algorithm: ALGORITHMS[spec.keyType] };
}

/** Signs a TBSCertificate or TBSCertList natively and wraps it: SEQUENCE { tbs, algorithm, signature }. */
export function signDer(tbsDer: Buffer, signer: SigningKey): Buffer {
  return wrapSigned(tbsDer, signer, sign(signer.algorithm.digest, tbsDer, signer.key));
}

/**
 * The same, signed on libuv's thread pool: an RSA-4096 signature takes ~5 ms, which the event loop
 * then spends answering requests instead. ECDSA signatures come out DER-encoded (what X.509 wants).
 */
export function signDerAsync(tbsDer: Buffer, signer: SigningKey): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign(signer.algorithm.digest, tbsDer, signer.key, (err, signature) => {
      if (err) reject(err);
      else resolve(wrapSigned(tbsDer, signer, signature));
    });
  });
}

export interface TbsParts {
  /** The issuer Name as the signer's certificate encodes it; null for self-signed (forge's encoding stays). */
  issuer: forge.asn1.Asn1 | null;
  /** Replaces forge's encoding of cert.subject byte for byte (a cross certificate must name its CA exactly). */
  subject?: forge.asn1.Asn1;
  /** The subject's public key, DER SubjectPublicKeyInfo from node:crypto. */
  spkiDer: Buffer;
}

const getTBSCertificate = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 })
  .getTBSCertificate;

/**
 * DER of the TBSCertificate, with the issuer taken from the signer as is: forge re-encodes names
 * it parsed (UTF8String values come out UTF-8 encoded twice, multi-valued RDNs split), and Go and
 * openssl find the issuing CA by comparing these bytes. The subjectKeyIdentifier extension must be
 * given with its value (skiExtension): forge would compute it from the stand-in key.
 */
export function tbsCertificateDer(cert: forge.pki.Certificate, signer: SigningKey, parts: TbsParts): Buffer {
  // forge assembles the TBSCertificate (version, serial, validity, names, extensions: it knows that
  // structure well) but encodes only RSA keys and RSA signature algorithms: it encodes a stand-in,
  // and the real SubjectPublicKeyInfo and AlgorithmIdentifier replace its output
  cert.publicKey = STAND_IN_KEY;
  cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption;
  const tbs = getTBSCertificate(cert);
  // forge always writes the version: version, serial, signature, issuer, validity, subject, spki, ...
  const fields = tbs.value as forge.asn1.Asn1[];
  fields[2] = signer.algorithm.identifier();
  if (parts.issuer) fields[3] = parts.issuer;
  if (parts.subject) fields[5] = parts.subject;
  fields[6] = asn1.fromDer(parts.spkiDer.toString("binary"));
  return toBuffer(asn1.toDer(tbs).getBytes());
}

/** The certificate's DER, signed natively on the calling thread (CA certificates, cross certificates). */
export function signCertificate(cert: forge.pki.Certificate, signer: SigningKey, parts: TbsParts): Buffer {
  return signDer(tbsCertificateDer(cert, signer, parts), signer);
}

/**
 * The certificate's DER for a leaf, issued while requests wait: an RSA CA signs on the thread pool
 * (~5 ms for RSA-4096); an ECDSA CA right here (~0.05 ms), where queued behind RSA keygens on the
 * pool it would wait hundreds of milliseconds.
 */
export async function signCertificateAsync(
  cert: forge.pki.Certificate,
  signer: SigningKey,
  parts: TbsParts,
): Promise<Buffer> {
  const tbs = tbsCertificateDer(cert, signer, parts);
  return signer.algorithm.name === "sha256WithRSAEncryption" ? signDerAsync(tbs, signer) : signDer(tbs, signer);
}

/** The subjectKeyIdentifier extension with its value, for forge's setExtensions. */
export function skiExtension(keyIdentifier: Buffer): { name: string; value: forge.asn1.Asn1 } {
  return {
    name: "subjectKeyIdentifier",
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier.toString("binary")),
  };
}

function wrapSigned(tbsDer: Buffer, signer: SigningKey, signature: Buffer): Buffer {
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), signature]));
  return tlv(0x30, Buffer.concat([tbsDer, signer.algorithm.der, bitString]));
}

function tlv(tag: number, body: Buffer): Buffer {
  let length = Buffer.from([body.length]);
  if (body.length >= 0x80) {
    const hex = body.length.toString(16);
    const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
    length = Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
