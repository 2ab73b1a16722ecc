import "server-only";
import { sign } from "node:crypto";
import forge from "node-forge";
import { toBuffer, toBytes } from "@/lib/pki/pem";

const { asn1, pki } = forge;
const SHA256_WITH_RSA = pki.oids.sha256WithRSAEncryption;

/** AlgorithmIdentifier sha256WithRSAEncryption, with the NULL parameters RFC 4055 asks for. */
export function sha256WithRsaIdentifier(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
  ]);
}
const ALGORITHM_DER = toBuffer(asn1.toDer(sha256WithRsaIdentifier()).getBytes());

const getTBSCertificate = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 })
  .getTBSCertificate;

/**
 * DER of the TBSCertificate, with the issuer taken from the signer as is: forge re-encodes names
 * it parsed (UTF8String values come out UTF-8 encoded twice, multi-valued RDNs split), and Go and
 * openssl find the issuing CA by comparing these bytes.
 */
function tbsCertificateDer(
  cert: forge.pki.Certificate,
  issuer: forge.asn1.Asn1 | null,
  subject?: forge.asn1.Asn1,
): Buffer {
  // forge writes the signature algorithm into the TBS as well, so it is set before encoding
  cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  cert.signatureOid = SHA256_WITH_RSA;
  const tbs = getTBSCertificate(cert);
  // forge always writes the version, so the fields are: version, serial, signature, issuer, ...
  if (issuer) (tbs.value as forge.asn1.Asn1[])[3] = issuer;
  if (subject) (tbs.value as forge.asn1.Asn1[])[5] = subject;
  return toBuffer(asn1.toDer(tbs).getBytes());
}

/** Signs a TBSCertificate or TBSCertList natively and wraps it: SEQUENCE { tbs, algorithm, signature }. */
export function signDer(tbsDer: Buffer, keyPem: string): Buffer {
  return wrapSigned(tbsDer, sign("sha256", tbsDer, keyPem));
}

/** The certificate's DER, signed natively. `issuer` null: self-signed, forge's encoding of cert.issuer
 * stays. `subject`, when given, replaces forge's encoding of cert.subject byte for byte (a cross
 * certificate must name its CA exactly as the CA's own certificate does). */
export function signCertificate(
  cert: forge.pki.Certificate,
  keyPem: string,
  issuer: forge.asn1.Asn1 | null,
  subject?: forge.asn1.Asn1,
): Buffer {
  return signDer(tbsCertificateDer(cert, issuer, subject), keyPem);
}

/**
 * The same certificate signed in pure JS, as cert.sign(key, sha256) would: for the benchmark only.
 * RSA PKCS#1 v1.5 signatures are deterministic, so the result is byte-identical to signCertificate.
 */
export function signCertificateWithForge(
  cert: forge.pki.Certificate,
  keyPem: string,
  issuer: forge.asn1.Asn1 | null,
): Buffer {
  const tbsDer = tbsCertificateDer(cert, issuer);
  const md = forge.md.sha256.create();
  md.update(toBytes(tbsDer));
  const key = pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return wrapSigned(tbsDer, toBuffer(key.sign(md)));
}

function wrapSigned(tbsDer: Buffer, signature: Buffer): Buffer {
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), signature]));
  return tlv(0x30, Buffer.concat([tbsDer, ALGORITHM_DER, bitString]));
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
