import { createPrivateKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

/**
 * Reads the database file and its WAL as raw bytes, the way someone holding a copy would, and
 * reports any trace of the given private key: PEM armour, its base64 body, or its DER bytes.
 */
export function findKeyMaterial(databasePath: string, privateKeyPem: string): string[] {
  const raw = Buffer.concat(
    [databasePath, `${databasePath}-wal`, `${databasePath}-journal`].filter(existsSync).map((f) => readFileSync(f)),
  );
  const found: string[] = [];
  if (raw.includes("PRIVATE KEY")) found.push('the text "PRIVATE KEY"');
  const key = createPrivateKey(privateKeyPem);
  const ders = [key.export({ type: "pkcs8", format: "der" }), key.export({ type: "pkcs1", format: "der" })];
  for (const der of ders) {
    // Any 32-byte window of the key (its modulus or private exponent) is enough to tell.
    const probe = der.subarray(der.length - 64, der.length - 32);
    if (raw.includes(probe)) found.push("the key's DER bytes");
    if (raw.includes(der.toString("base64").slice(100, 160))) found.push("the key's base64 text");
  }
  return found;
}
