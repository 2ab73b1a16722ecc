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
    // A window of the key's private part is enough to tell: the end of the DER is the CRT
    // coefficient. (Not the start: that is the modulus, which every certificate of the key holds,
    // such as a CA's cross certificate.)
    const probe = der.subarray(der.length - 64, der.length - 32);
    if (raw.includes(probe)) found.push("the key's DER bytes");
    // The base64 text of that part, wherever PEM's line breaks fall (one of three alignments).
    const flat = raw.toString("latin1").replace(/[\r\n]/g, "");
    const whole = der.toString("base64");
    const tail = whole.slice(-100, -20);
    if (flat.includes(tail)) found.push("the key's base64 text");
  }
  return found;
}
