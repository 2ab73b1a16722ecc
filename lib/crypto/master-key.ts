import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseProvider, masterKeyPath } from "@/lib/config";

// Messages here can reach an API response, so they name the key file as the admin knows it
// ("master.key in the data directory", "DOCKPKI_MASTER_KEY_FILE"), never by its absolute path; start-up logs that.

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

const keyFileName = () =>
  process.env.DOCKPKI_MASTER_KEY_FILE ? "named by DOCKPKI_MASTER_KEY_FILE" : "master.key in the data directory";
let cached: Buffer | undefined;

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32 || key.toString("base64") !== text.trim()) {
    throw new MasterKeyError(`${source} must be the base64 encoding of exactly 32 bytes.`);
  }
  return key;
}

function readKeyFile(file: string): string | undefined {
  try {
    const text = readFileSync(file, "utf8");
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new MasterKeyError(`The key file ${keyFileName()} is readable by others; run: chmod 600 on it`);
    }
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (err instanceof MasterKeyError) throw err;
    throw new MasterKeyError(`The key file ${keyFileName()} cannot be read: ${(err as NodeJS.ErrnoException).code}.`);
  }
}

/**
 * The 32-byte key that seals every private key: DOCKPKI_MASTER_KEY, or the key file beside the
 * database. Never makes one: a missing key is an error here, and only start-up (ensureMasterKey)
 * may create the file, when nothing sealed depends on an earlier key.
 */
export function loadMasterKey(): Buffer {
  if (cached) return cached;
  const fromEnv = process.env.DOCKPKI_MASTER_KEY;
  if (fromEnv) {
    cached = decodeKey(fromEnv, "DOCKPKI_MASTER_KEY");
    return cached;
  }
  const text = readKeyFile(masterKeyPath());
  if (text === undefined) {
    throw new MasterKeyError(
      `There is no master key: set DOCKPKI_MASTER_KEY, or put back the key file ${keyFileName()}.`,
    );
  }
  cached = decodeKey(text, `The key file ${keyFileName()}`);
  return cached;
}

/** Whether a key is configured at all (the variable, or the file). */
export function masterKeyConfigured(): boolean {
  if (process.env.DOCKPKI_MASTER_KEY) return true;
  try {
    statSync(masterKeyPath());
    return true;
  } catch {
    return false;
  }
}

/**
 * On PostgreSQL several instances share one database, so each must be given the same key: one instance minting its
 * own would seal keys the others cannot open. Null when a key may be created.
 */
export function masterKeyRequiredProblem(): string | null {
  if (databaseProvider() !== "postgresql" || masterKeyConfigured()) return null;
  return process.env.DOCKPKI_MASTER_KEY_FILE
    ? "On PostgreSQL every instance needs the same master key, and the file named by DOCKPKI_MASTER_KEY_FILE does not exist. Copy the key file there (the one the other instances use), or make a new one for a new installation: head -c 32 /dev/urandom | base64 > FILE && chmod 600 FILE"
    : "On PostgreSQL every instance needs the same master key: set DOCKPKI_MASTER_KEY (base64 of 32 bytes) or DOCKPKI_MASTER_KEY_FILE (a file holding it, mode 0600) on each. For a new installation make one with: head -c 32 /dev/urandom | base64";
}

/** Creates the key file (mode 0600) for a database that holds nothing sealed yet; never on PostgreSQL. */
export function createMasterKeyFile(): Buffer {
  const required = masterKeyRequiredProblem();
  if (required) throw new MasterKeyError(required);
  const file = masterKeyPath();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // "wx" never overwrites a key file that appeared in the meantime.
  try {
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  cached = undefined;
  return loadMasterKey();
}

/** For tests and the CLI's restore: forget the cached key so the next call reads it again. */
export function resetMasterKeyCache(): void {
  cached = undefined;
}
