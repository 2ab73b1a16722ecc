import "server-only";
import { createHash, createHmac, createPrivateKey, randomBytes, randomInt, X509Certificate } from "node:crypto";

// A PKCS#12 file (RFC 7292) as OpenSSL 3 writes one by default, without the legacy ciphers:
// - the key in a pkcs8ShroudedKeyBag, encrypted by Node's own PKCS#8 export: PBES2 with
//   PBKDF2-HMAC-SHA256 and AES-256-CBC, for any key type Node holds (RSA today, EC as well);
// - the certificates (leaf first, then its CAs) in a certBag each, not encrypted: they are public;
// - the whole integrity-protected by an HMAC-SHA256 MAC under the PKCS#12 key derivation.
// node-forge writes PKCS#12 too, but only with a SHA-1 MAC and only for RSA keys.

const ITERATIONS = 10_000;
const OID = {
  data: "1.2.840.113549.1.7.1",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  sha256: "2.16.840.1.101.3.4.2.1",
};

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...content: Buffer[]) => tlv(0x30, ...content);
const set = (...content: Buffer[]) => tlv(0x31, ...content);
const octets = (b: Buffer) => tlv(0x04, b);
const explicit0 = (...content: Buffer[]) => tlv(0xa0, ...content);
const integer = (n: number) => {
  const bytes = [n & 0xff];
  for (let v = n >> 8; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
};

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v & 0x7f));
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** The passphrase as PKCS#12 feeds it to its key derivation: UTF-16BE with a final NUL. */
function bmpPassword(passphrase: string): Buffer {
  const utf16 = Buffer.from(`${passphrase}\0`, "utf16le");
  return utf16.swap16();
}

/** RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64): the MAC key, id 3. */
export function pkcs12Kdf(passphrase: string, salt: Buffer, id: number, iterations: number, size: number): Buffer {
  const v = 64;
  const u = 32;
  // The input repeated to fill whole v-byte blocks (RFC 7292 B.2 steps 2-3).
  const fill = (b: Buffer) => {
    const out = Buffer.alloc(v * Math.ceil(b.length / v));
    for (let i = 0; i < out.length; i++) out[i] = b[i % b.length];
    return out;
  };
  const D = Buffer.alloc(v, id);
  let I = Buffer.concat([fill(salt), fill(bmpPassword(passphrase))]);
  const out: Buffer[] = [];
  for (let got = 0; got < size; got += u) {
    let A = createHash("sha256").update(D).update(I).digest();
    for (let i = 1; i < iterations; i++) A = createHash("sha256").update(A).digest();
    out.push(A);
    const B = fill(A);
    const next = Buffer.alloc(I.length);
    // I_j = (I_j + B + 1) mod 2^(8v), for each v-byte block of I.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry;
        next[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
    I = next;
  }
  return Buffer.concat(out).subarray(0, size);
}

const bag = (type: string, value: Buffer, attributes: Buffer[]) =>
  seq(oid(type), explicit0(value), ...(attributes.length > 0 ? [set(...attributes)] : []));
const dataInfo = (content: Buffer) => seq(oid(OID.data), explicit0(octets(content)));

/**
 * A .p12 holding the key, its certificate and the CAs after it, under `passphrase`. `name` becomes
 * the friendlyName tools show (Keychain, Windows' certificate store).
 */
export function buildPkcs12(input: {
  keyPem: string;
  certPem: string;
  caCertPems: string[];
  passphrase: string;
  name: string;
}): Buffer {
  const leaf = new X509Certificate(input.certPem);
  const key = createPrivateKey(input.keyPem);
  if (!leaf.checkPrivateKey(key)) throw new Error("The key does not belong to the certificate.");
  const localKeyId = seq(oid(OID.localKeyId), set(octets(createHash("sha1").update(leaf.raw).digest())));
  const friendlyName = seq(oid(OID.friendlyName), set(tlv(0x1e, Buffer.from(input.name, "utf16le").swap16())));
  const encryptedKey = key.export({
    type: "pkcs8",
    format: "der",
    cipher: "aes-256-cbc",
    passphrase: input.passphrase,
  });
  const certBag = (der: Buffer, attributes: Buffer[]) =>
    bag(OID.certBag, seq(oid(OID.x509Certificate), explicit0(octets(der))), attributes);
  const certs = seq(
    certBag(leaf.raw, [friendlyName, localKeyId]),
    ...input.caCertPems.map((pem) => certBag(new X509Certificate(pem).raw, [])),
  );
  const keys = seq(bag(OID.shroudedKeyBag, encryptedKey, [friendlyName, localKeyId]));
  const authSafe = seq(dataInfo(certs), dataInfo(keys));
  const salt = randomBytes(16);
  const macKey = pkcs12Kdf(input.passphrase, salt, 3, ITERATIONS, 32);
  const mac = createHmac("sha256", macKey).update(authSafe).digest();
  const macData = seq(seq(seq(oid(OID.sha256), tlv(0x05)), octets(mac)), octets(salt), integer(ITERATIONS));
  return seq(integer(3), dataInfo(authSafe), macData);
}

/** A passphrase for a .p12 when the admin types none: 20 characters of 31 easy to read (99 bits). */
export function generatePassphrase(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join("");
}
