import "server-only";
import forge from "node-forge";

/** node-forge works on "binary" strings (one char per byte), node:crypto on Buffers. */
export const toBuffer = (bytes: string): Buffer => Buffer.from(bytes, "binary");
export const toBytes = (buf: Buffer): string => buf.toString("binary");

export function derToPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Every PEM block with this label, in order, as DER. Text around the blocks is ignored. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ""), "base64"));
}

export interface ParsedCertificate {
  der: Buffer;
  /** forge's reading of the names, validity and extensions; its publicKey is STAND_IN_KEY, never the real one. */
  cert: forge.pki.Certificate;
  /** The subject Name exactly as encoded, for use as the issuer of what this certificate signs. */
  subjectAsn1: forge.asn1.Asn1;
  /** The DER SubjectPublicKeyInfo, for node:crypto: RSA or EC alike. */
  spkiDer: Buffer;
}

/**
 * forge reads and writes only RSA keys, and dockpki uses it for the rest of the certificate
 * structure (names, validity, extensions). Where a key goes in or comes out, forge gets this
 * stand-in and node:crypto handles the real key (readPublicKey, tbsCertificateDer).
 */
export const STAND_IN_KEY = forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger("3"), new forge.jsbn.BigInteger("3"));
const STAND_IN_SPKI = forge.asn1.toDer(forge.pki.publicKeyToAsn1(STAND_IN_KEY)).getBytes();

/** The first certificate in a PEM text, RSA or EC. Throws when there is none or it does not decode. */
export function parseCertificatePem(pem: string): ParsedCertificate {
  const [der] = pemBlocks(pem, "CERTIFICATE");
  if (!der) throw new Error("no PEM certificate found");
  const asn = forge.asn1.fromDer(toBytes(der));
  const tbs = (asn.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  // version [0] is optional; after it come serial, signature, issuer, validity, subject, spki
  const offset = tbs[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const spkiDer = toBuffer(forge.asn1.toDer(tbs[offset + 5]).getBytes());
  tbs[offset + 5] = forge.asn1.fromDer(STAND_IN_SPKI);
  return { der, cert: forge.pki.certificateFromAsn1(asn), subjectAsn1: tbs[offset + 4], spkiDer };
}
