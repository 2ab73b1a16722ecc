// Shared by pages and forms (no server-only): what key types dockpki offers, and their names.

/** The key types dockpki makes and accepts: what Go's crypto/tls (dockerd, the docker CLI) takes. */
export const KEY_TYPES = ["ecdsa-p256", "ecdsa-p384", "rsa"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
/** A key's type and size: RSA modulus bits, or the curve's (256, 384). */
export interface KeySpec {
  keyType: KeyType;
  keySize: number;
}
export const EC_CURVES = {
  "ecdsa-p256": { curve: "P-256", openssl: "prime256v1", bits: 256 },
  "ecdsa-p384": { curve: "P-384", openssl: "secp384r1", bits: 384 },
} as const;

/** The spec for a key type; RSA takes its size (default 3072), the curves have theirs. */
export function keySpec(keyType: KeyType, rsaBits?: number): KeySpec {
  if (keyType === "rsa") return { keyType, keySize: rsaBits ?? 3072 };
  return { keyType, keySize: EC_CURVES[keyType].bits };
}

/** "ECDSA P-256", "RSA 3072": how pages and messages name a key. */
export function keyLabel(spec: KeySpec): string {
  return spec.keyType === "rsa" ? `RSA ${spec.keySize}` : `ECDSA ${EC_CURVES[spec.keyType].curve}`;
}

export const RSA_SIZES = [2048, 3072, 4096] as const;

/** What a request, a host or a setting asks for: a key type, and a size for RSA. */
export interface KeyChoice {
  keyType?: KeyType | null;
  keySize?: number | null;
}

/**
 * The key a request gets: its own choice first, then each fallback in turn (a host's or client's
 * key type, then the settings). A size alone means RSA (what the API took before ECDSA); RSA
 * without a size takes the first size a fallback names.
 */
export function chooseKeySpec(...choices: KeyChoice[]): KeySpec {
  const keyType =
    choices.map((c) => c.keyType ?? (c.keySize && !c.keyType ? "rsa" : null)).find((t) => t) ?? "ecdsa-p256";
  const rsaBits = choices.map((c) => c.keySize).find((n) => n);
  return keySpec(keyType, rsaBits ?? undefined);
}

/** A form's single key choice ("ecdsa-p256", "rsa-4096") as keyType and keySize. */
export function splitKeyChoice(value: unknown): KeyChoice {
  const text = typeof value === "string" ? value : "";
  const rsa = /^rsa-(\d+)$/.exec(text);
  if (rsa) return { keyType: "rsa", keySize: Number(rsa[1]) };
  return text ? { keyType: text as KeyType } : {};
}
