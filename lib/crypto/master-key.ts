import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { masterKeyPath } from "@/lib/config";

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

let cached: Buffer | undefined;

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32 || key.toString("base64") !== text.trim()) {
    throw new MasterKeyError(`${source} must be the base64 encoding of exactly 32 bytes.`);
  }
  return key;
}

/**
 * The 32-byte key that seals every private key. DOCKPKI_MASTER_KEY wins; otherwise the key file
 * beside the database, created (mode 0600) on first use.
 */
export function loadMasterKey(): Buffer {
  if (cached) return cached;
  const fromEnv = process.env.DOCKPKI_MASTER_KEY;
  if (fromEnv) {
    cached = decodeKey(fromEnv, "DOCKPKI_MASTER_KEY");
    return cached;
  }
  const file = masterKeyPath();
  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new MasterKeyError(`Cannot read the master key file ${file}: ${(err as Error).message}`);
    }
  }
  if (text === undefined) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32).toString("base64");
    // "wx" never overwrites a key file that appeared in the meantime.
    try {
      writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: "wx" });
      text = fresh;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      text = readFileSync(file, "utf8");
    }
  } else if ((statSync(file).mode & 0o077) !== 0) {
    throw new MasterKeyError(`The master key file ${file} is readable by others; run: chmod 600 ${file}`);
  }
  cached = decodeKey(text, `The master key file ${file}`);
  return cached;
}

/** For tests and the CLI's restore: forget the cached key so the next call reads it again. */
export function resetMasterKeyCache(): void {
  cached = undefined;
}
