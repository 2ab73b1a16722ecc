import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { loadMasterKey, MasterKeyError } from "@/lib/crypto/master-key";

// Layout of a sealed value: version (1) | nonce (12) | GCM tag (16) | ciphertext.
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts a secret with AES-256-GCM under the master key. `boundTo` (the owning record, e.g.
 * "certificate:<id>") is authenticated, so a sealed key copied onto another row does not open.
 */
export function seal(plaintext: string, boundTo: string, key = loadMasterKey()): Uint8Array<ArrayBuffer> {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(boundTo, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const out = new Uint8Array(1 + NONCE_BYTES + TAG_BYTES + body.length);
  out[0] = VERSION;
  out.set(nonce, 1);
  out.set(cipher.getAuthTag(), 1 + NONCE_BYTES);
  out.set(body, 1 + NONCE_BYTES + TAG_BYTES);
  return out;
}

export function unseal(sealed: Uint8Array, boundTo: string, key = loadMasterKey()): string {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new MasterKeyError("A stored private key is damaged or in an unknown format.");
  }
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(1, 1 + NONCE_BYTES));
  decipher.setAAD(Buffer.from(boundTo, "utf8"));
  decipher.setAuthTag(buf.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(buf.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new MasterKeyError(
      "A stored private key cannot be decrypted: the master key differs from the one it was sealed with, or the data was altered.",
    );
  }
}
