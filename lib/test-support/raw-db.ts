import { createPrivateKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import pg from "pg";

/**
 * Everything the database holds, as someone holding a copy would read it. SQLite: the database file and its WAL as
 * raw bytes. PostgreSQL: every value of every table, binary ones as their bytes, the rest as text.
 */
export async function readDatabaseBytes(env: { databasePath: string; databaseUrl: string | null }): Promise<Buffer> {
  if (!env.databaseUrl) {
    const files = [env.databasePath, `${env.databasePath}-wal`, `${env.databasePath}-journal`].filter(existsSync);
    return Buffer.concat(files.map((f) => readFileSync(f)));
  }
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    );
    const parts: Buffer[] = [];
    for (const { tablename } of tables) {
      const { rows } = await client.query({ text: `SELECT * FROM "${tablename}"`, rowMode: "array" });
      for (const row of rows as unknown[][]) {
        for (const value of row) {
          if (value === null) continue;
          parts.push(
            Buffer.isBuffer(value) ? value : Buffer.from(value instanceof Date ? value.toISOString() : String(value)),
            Buffer.from("\n"),
          );
        }
      }
    }
    return Buffer.concat(parts);
  } finally {
    await client.end();
  }
}

/**
 * Reports any trace of the given private key in what the database holds (readDatabaseBytes): PEM
 * armour, its base64 body, or its DER bytes.
 */
export function findKeyMaterial(raw: Buffer, privateKeyPem: string): string[] {
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
