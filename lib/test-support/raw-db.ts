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
  const flat = raw.toString("latin1").replace(/[\r\n]/g, "");
  if (key.asymmetricKeyType === "ec") {
    // The private scalar d: the rest of an EC key's DER is its curve and public point, which every
    // certificate of the key holds.
    const d = Buffer.from(key.export({ format: "jwk" }).d as string, "base64url");
    if (raw.includes(d)) found.push("the key's private scalar");
    for (const der of [key.export({ type: "pkcs8", format: "der" }), key.export({ type: "sec1", format: "der" })]) {
      const at = der.indexOf(d);
      const start = at + ((3 - (at % 3)) % 3); // where d's bytes begin a base64 group of the whole DER
      const text = der.subarray(start, start + 24).toString("base64");
      if (flat.includes(text)) found.push("the key's base64 text");
    }
    return found;
  }
  const ders = [key.export({ type: "pkcs8", format: "der" }), key.export({ type: "pkcs1", format: "der" })];
  for (const der of ders) {
    // A window of the key's private part is enough to tell: the end of the DER is the CRT
    // coefficient. (Not the start: that is the modulus, which every certificate of the key holds,
    // such as a CA's cross certificate.)
    const probe = der.subarray(der.length - 64, der.length - 32);
    if (raw.includes(probe)) found.push("the key's DER bytes");
    // The base64 text of that part, wherever PEM's line breaks fall (one of three alignments).
    const whole = der.toString("base64");
    const tail = whole.slice(-100, -20);
    if (flat.includes(tail)) found.push("the key's base64 text");
  }
  return found;
}
