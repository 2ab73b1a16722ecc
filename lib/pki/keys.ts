import "server-only";
import {
  createHash,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { promisify } from "node:util";
import { InputError } from "@/lib/errors";
import { childrenOf, contentOf, elementOf, readRoot, TAG } from "@/lib/pki/der";
import { EC_CURVES, KEY_TYPES, type KeySpec, keySpec, RSA_SIZES } from "@/lib/pki/key-types";
import { pemBlocks } from "@/lib/pki/pem";

export type RsaKeySize = (typeof RSA_SIZES)[number];
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;
// Go's crypto/rsa (dockerd, the docker CLI) refuses exponents above 2^31-1; keys use 65537, or 3
const MAX_RSA_EXPONENT = 2n ** 31n - 1n;

const generateKeyPairAsync = promisify(generateKeyPairCallback);

/** What a key is, in dockpki's terms; null for a key dockpki does not work with. */
export function keySpecOf(key: KeyObject): KeySpec | null {
  if (key.asymmetricKeyType === "rsa") {
    const bits = key.asymmetricKeyDetails?.modulusLength;
    return bits ? { keyType: "rsa", keySize: bits } : null;
  }
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1") return keySpec("ecdsa-p256");
    if (curve === "secp384r1") return keySpec("ecdsa-p384");
  }
  return null;
}

export interface GeneratedKeyPair extends KeySpec {
  publicKeyPem: string;
  privateKeyPem: string;
}

/**
 * A fresh key pair as PEM, unencrypted PKCS#8 ("PRIVATE KEY", what openssl 3's genpkey writes and
 * Go's tls.X509KeyPair reads for RSA and EC alike). An EC key takes a tenth of a millisecond, so it
 * is made right here: queued on libuv's thread pool it would wait behind RSA keygens. RSA runs on
 * the pool (tens to hundreds of milliseconds), so the event loop stays free.
 */
export async function generateKeyPair(spec: KeySpec): Promise<GeneratedKeyPair> {
  if (spec.keyType === "rsa") {
    const pair = await generateRsaKeyPair(spec.keySize as RsaKeySize);
    return { ...spec, ...pair };
  }
  const curve = EC_CURVES[spec.keyType];
  if (!curve) throw InputError.forField("keyType", `Choose one of ${KEY_TYPES.join(", ")}.`);
  const { publicKey, privateKey } = generateKeyPairSync("ec", {
    namedCurve: curve.curve,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { keyType: spec.keyType, keySize: curve.bits, publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/**
 * A fresh RSA key pair as PEM. node:crypto runs it on libuv's thread pool, so the event loop stays
 * free and two calls use two cores. The private key is unencrypted PKCS#8 ("PRIVATE KEY"): what
 * openssl 3's genrsa writes, what Go's tls.X509KeyPair (docker CLI, dockerd) reads as well as
 * PKCS#1, and the one format that names its algorithm.
 */
export async function generateRsaKeyPair(bits: RsaKeySize): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  if (!RSA_SIZES.includes(bits)) {
    throw InputError.forField("keySize", "The key size must be 2048, 3072 or 4096 bits.");
  }
  const { publicKey, privateKey } = await generateKeyPairAsync("rsa", {
    modulusLength: bits,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

const KEY_KINDS: Record<string, string> = {
  ec: "an EC key",
  "rsa-pss": "an RSA-PSS key",
  dsa: "a DSA key",
  dh: "a Diffie-Hellman key",
  ed25519: "an Ed25519 key",
  ed448: "an Ed448 key",
  x25519: "an X25519 key",
  x448: "an X448 key",
};
const CURVES: Record<string, string> = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
  secp224r1: "P-224",
};

/** "an EC key (P-256)", "an RSA key of 1024 bits": for messages that say what a key is. */
export function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? "unknown";
  if (type === "rsa") return `an RSA key of ${key.asymmetricKeyDetails?.modulusLength} bits`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const kind = KEY_KINDS[type] ?? `a key of type ${type}`;
  return curve ? `${kind} (${CURVES[curve] ?? curve})` : kind;
}

/**
 * Why a key from outside (a CSR, an imported CA, a public key) cannot be used, as a sentence
 * whose second half reads "<holder> <what the key is>", e.g. holder "this request has"; null when
 * it is EC on P-256 or P-384 (what Go verifies; it refuses P-224, and P-521 is rare enough that
 * dockpki does not sign for it), or RSA of 2048 to 8192 bits with a small odd exponent. Only what node:crypto reports about the
 * key is read (modulus length, exponent): nothing is computed with it, so a hostile key (a
 * 131,072-bit modulus, a 300,000-bit exponent that would keep a pure-JS modPow busy for
 * seconds) costs no more than a good one.
 */
export function keyRefusal(key: KeyObject, holder: string): string | null {
  if (key.asymmetricKeyType === "ec") {
    return keySpecOf(key) ? null : `dockpki works with EC keys on P-256 or P-384 only; ${holder} ${describeKey(key)}.`;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== "rsa" || bits === undefined) {
    return `dockpki works with ECDSA (P-256, P-384) and RSA keys; ${holder} ${describeKey(key)}.`;
  }
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    return `dockpki works with RSA keys of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits; ${holder} ${describeKey(key)}.`;
  }
  const e = key.asymmetricKeyDetails?.publicExponent;
  if (e === undefined || e < 3n || e % 2n === 0n || e > MAX_RSA_EXPONENT) {
    const shown = e === undefined ? "unknown" : e > 2n ** 64n ? `a ${e.toString(2).length}-bit number` : String(e);
    return (
      "dockpki works with RSA keys whose public exponent is a small odd number such as 65537; " +
      `${holder} an RSA key whose public exponent is ${shown}.`
    );
  }
  return null;
}

export interface PublicKeyInfo extends KeySpec {
  key: KeyObject;
  /** The DER SubjectPublicKeyInfo, as it goes into a certificate. */
  spkiDer: Buffer;
}

/** A public key PEM (SPKI or PKCS#1) for a certificate, once keyRefusal passes it. */
export function readPublicKey(pem: string): PublicKeyInfo {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw InputError.forField("publicKeyPem", "The public key could not be read.");
  }
  const refusal = keyRefusal(key, "this is");
  if (refusal) throw InputError.forField("publicKeyPem", refusal);
  return { key, spkiDer: spkiForCertificate(key), ...(keySpecOf(key) as KeySpec) };
}

/**
 * The SubjectPublicKeyInfo a certificate carries for this key. An EC point is always written
 * uncompressed: Go (dockerd, the docker CLI) cannot parse a compressed one ("x509: failed to
 * unmarshal elliptic curve point"), and a CSR may carry one (openssl ec -conv_form compressed).
 * The key is the same; only its encoding changes.
 */
export function spkiForCertificate(key: KeyObject): Buffer {
  const spki = key.export({ type: "spki", format: "der" });
  // OpenSSL exports a key the way it was given; a key made here is uncompressed already.
  if (key.asymmetricKeyType !== "ec" || !hasCompressedPoint(spki)) return spki;
  return createPublicKey({ key: key.export({ format: "jwk" }), format: "jwk" }).export({ type: "spki", format: "der" });
}

/** Whether an EC SubjectPublicKeyInfo holds a compressed point (first byte 02 or 03), which Go cannot read. */
export function hasCompressedPoint(spkiDer: Buffer): boolean {
  const [, bits] = childrenOf(spkiDer, readRoot(spkiDer, TAG.SEQUENCE), [TAG.SEQUENCE, TAG.BIT_STRING]);
  const point = contentOf(spkiDer, bits).subarray(1);
  return point[0] === 0x02 || point[0] === 0x03;
}

/**
 * The subjectKeyIdentifier of a public key: SHA-1 of the subjectPublicKey BIT STRING's bytes
 * (RFC 5280 4.2.1.2, method 1), what openssl writes and what forge computed for RSA keys, so
 * identifiers stay what they were for every key dockpki made before EC keys.
 */
export function subjectKeyIdentifier(spkiDer: Buffer): Buffer {
  const [, bits] = childrenOf(spkiDer, readRoot(spkiDer, TAG.SEQUENCE), [TAG.SEQUENCE, TAG.BIT_STRING]);
  return createHash("sha1").update(contentOf(spkiDer, bits).subarray(1)).digest();
}

/**
 * Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo in a public key, private key or
 * certificate PEM: the same for all three, so a key revoked for keyCompromise is recognised in
 * whatever form it comes back. A certificate's SubjectPublicKeyInfo is hashed as it is encoded
 * there (DER is canonical, and dockpki writes it from the key's own encoding): reading it out of
 * the DER takes microseconds, where parsing the certificate or the key with OpenSSL takes half a
 * millisecond, which matters when 50,000 stored certificates are hashed at once.
 */
export function spkiSha256(pem: string): string {
  let spki: Buffer;
  try {
    const [certificate] = pemBlocks(pem, "CERTIFICATE");
    const [publicKey] = certificate ? [] : pemBlocks(pem, "PUBLIC KEY");
    spki = certificate
      ? certificateSpki(certificate)
      : publicKey
        ? checkedSpki(publicKey)
        : createPublicKey(pem).export({ type: "spki", format: "der" });
  } catch {
    throw new InputError("The key or certificate could not be read; paste an unencrypted PEM.");
  }
  return createHash("sha256").update(spki).digest("hex");
}

/**
 * A "PUBLIC KEY" block is the DER SubjectPublicKeyInfo itself. The ones hashed here are node:crypto's
 * own encoding (a key made here, or the one parseCsr read out of a CSR), so the digest is openssl's
 * without parsing the key again: the issuance that hashes it reads it once more for the certificate.
 */
function checkedSpki(der: Buffer): Buffer {
  childrenOf(der, readRoot(der, TAG.SEQUENCE), [TAG.SEQUENCE, TAG.BIT_STRING]);
  return der;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, signature, issuer, validity, subject, spki, ... }, ... } */
function certificateSpki(der: Buffer): Buffer {
  const [tbs] = childrenOf(der, readRoot(der, TAG.SEQUENCE));
  const fields = childrenOf(der, tbs);
  const version = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = fields[version + 5];
  if (spki?.tag !== TAG.SEQUENCE) throw new Error("no SubjectPublicKeyInfo");
  return elementOf(der, spki);
}
