import "server-only";
import { createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";
import { InputError } from "@/lib/errors";

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];
export const MIN_RSA_BITS = 2048;

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A fresh RSA key pair as PEM. node:crypto runs it on libuv's thread pool, so the event loop stays
 * free and two calls use two cores. The private key is unencrypted PKCS#8 ("PRIVATE KEY"): what
 * openssl 3's genrsa writes, what Go's tls.X509KeyPair (docker CLI, dockerd) reads as well as
 * PKCS#1, and the one format that names its algorithm.
 */
export async function generateRsaKeyPair(bits: RsaKeySize): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  if (!RSA_KEY_SIZES.includes(bits)) {
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
const CURVES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** "an EC key (P-256)", "an RSA key of 1024 bits": for messages that say what a key is. */
export function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? "unknown";
  if (type === "rsa") return `an RSA key of ${key.asymmetricKeyDetails?.modulusLength} bits`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const kind = KEY_KINDS[type] ?? `a key of type ${type}`;
  return curve ? `${kind} (${CURVES[curve] ?? curve})` : kind;
}

/** Bits of an RSA key that is strong enough to sign with or for, else null. */
export function usableRsaBits(key: KeyObject): number | null {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return key.asymmetricKeyType === "rsa" && bits !== undefined && bits >= MIN_RSA_BITS ? bits : null;
}

/** A public key PEM (SPKI or PKCS#1) as forge needs it for a certificate; RSA of 2048 bits or more. */
export function readRsaPublicKey(pem: string): forge.pki.rsa.PublicKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw InputError.forField("publicKeyPem", "The public key could not be read.");
  }
  if (usableRsaBits(key) === null) {
    throw InputError.forField(
      "publicKeyPem",
      `dockpki issues certificates for RSA keys of at least ${MIN_RSA_BITS} bits; this is ${describeKey(key)}.`,
    );
  }
  const spki = key.export({ type: "spki", format: "pem" }).toString();
  return forge.pki.publicKeyFromPem(spki) as forge.pki.rsa.PublicKey;
}
