import { createHash, randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { inflateRawSync } from "node:zlib";
import { ZipArchive } from "archiver";
import Database from "better-sqlite3";
import { UsageError, userPath } from "@/lib/cli/io";
import { databasePath, dataDir, masterKeyPath } from "@/lib/config";
import { loadMasterKey } from "@/lib/crypto/master-key";
import { unseal } from "@/lib/crypto/seal";
import { ConflictError, InputError } from "@/lib/errors";
import { applyMigrations } from "@/lib/migrate";
import { masterKeyProblem } from "@/lib/startup";

// A backup is one zip: manifest.json, dockpki.db (a consistent snapshot) and, unless --without-key,
// master.key. Restore checks all of it before it replaces anything.
const BACKUP_FORMAT = "dockpki-backup";
const DB_ENTRY = "dockpki.db";
const KEY_ENTRY = "master.key";
const MANIFEST_ENTRY = "manifest.json";

interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: 1;
  dockpkiVersion: string;
  createdAt: string;
  migrations: string[];
  files: Record<string, { sha256: string; size: number }>;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export function refuseExisting(file: string, force: boolean | undefined): void {
  if (!force && existsSync(file))
    throw new ConflictError(`${file} already exists. Choose another name, or add --force to replace it.`);
}

/** Writes a file only its owner can read, via a temporary file, so a reader never sees half of it. */
export async function writePrivateFile(file: string, content: Buffer | NodeJS.ReadableStream): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    await pipeline(source, createWriteStream(temp, { mode: 0o600, flags: "wx" }));
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** A snapshot through SQLite's backup API, consistent even while the dashboard writes (WAL). */
async function snapshotDatabase(): Promise<{ bytes: Buffer; migrations: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-backup-"));
  try {
    const copy = path.join(dir, DB_ENTRY);
    const source = new Database(databasePath(), { fileMustExist: true, timeout: 10_000 });
    try {
      await source.backup(copy);
    } finally {
      source.close();
    }
    const snapshot = new Database(copy);
    try {
      // A rollback-journal database is complete in one file; restore switches it back to WAL.
      snapshot.pragma("journal_mode = DELETE");
      const rows = snapshot
        .prepare(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
        )
        .all() as { migration_name: string }[];
      return { bytes: readFileSync(copy), migrations: rows.map((r) => r.migration_name) };
    } finally {
      snapshot.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function dockpkiVersion(): string {
  return (JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version: string }).version;
}

export async function backupCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "without-key": { type: "boolean" }, force: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("usage: dockpki backup FILE [--without-key] [--force]");
  const file = userPath(positionals[0]);
  refuseExisting(file, values.force);
  const withKey = !values["without-key"];
  const keyProblem = masterKeyProblem();
  if (withKey && keyProblem) {
    throw new InputError(
      `${keyProblem} A backup with this key could not be restored: use --without-key and find the original key.`,
    );
  }

  const { bytes, migrations } = await snapshotDatabase();
  const entries = new Map<string, Buffer>([[DB_ENTRY, bytes]]);
  if (withKey) entries.set(KEY_ENTRY, Buffer.from(`${loadMasterKey().toString("base64")}\n`));
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: 1,
    dockpkiVersion: dockpkiVersion(),
    createdAt: new Date().toISOString(),
    migrations,
    files: Object.fromEntries([...entries].map(([name, data]) => [name, { sha256: sha256(data), size: data.length }])),
  };
  const zip = new ZipArchive({ zlib: { level: 9 } });
  zip.append(`${JSON.stringify(manifest, null, 2)}\n`, { name: MANIFEST_ENTRY, mode: 0o644 });
  for (const [name, data] of entries) zip.append(data, { name, mode: 0o600 });
  zip.finalize().catch(() => {}); // failures reach the pipeline as an "error" event
  await writePrivateFile(file, zip);

  console.log(
    `Backup written to ${file} (mode 0600): ${[...entries.keys()].join(" and ")}, made by dockpki ${manifest.dockpkiVersion}.`,
  );
  if (withKey) {
    console.error(
      "warning: this backup holds the master key. Anyone who has it can open every private key dockpki stores (the CA's included): keep it as safe as the server itself.",
    );
  } else {
    console.error(
      `The master key is not in this backup, so the file alone reveals no private key. Keep the key (${process.env.DOCKPKI_MASTER_KEY ? "DOCKPKI_MASTER_KEY" : masterKeyPath()}) somewhere else: without it the backup cannot be restored.`,
    );
    if (keyProblem) console.error(`warning: ${keyProblem}`);
  }
}

/** Entries of a zip as archiver writes them (stored or deflated, no zip64); null for one that does not inflate. */
function readZip(zip: Buffer): Map<string, Buffer | null> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("no zip end record");
  const entries = new Map<string, Buffer | null>();
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = zip.readUInt16LE(eocd + 10); i > 0; i--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("damaged zip directory");
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameEnd = at + 46 + zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, nameEnd);
    const local = zip.readUInt32LE(at + 42);
    at = nameEnd + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error("damaged zip entry");
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    try {
      entries.set(name, method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : null);
    } catch {
      entries.set(name, null);
    }
  }
  return entries;
}

// The value lib/crypto/key-check.ts seals on first start: whatever key opens it opens every stored key.
const KEY_CHECK = { setting: "masterKeyCheck", boundTo: "setting:masterKeyCheck" };
const SQLITE_SIDE_FILES = ["-wal", "-shm", "-journal"];

function notABackup(file: string): InputError {
  return new InputError(`${file} is not a dockpki backup (a zip made by dockpki backup, with a manifest.json).`);
}

/** The entries of a backup, each checked against the checksum in its manifest. */
function readBackup(file: string): { manifest: BackupManifest; database: Buffer; keyText: Buffer | null } {
  let entries: Map<string, Buffer | null>;
  let manifest: BackupManifest | null;
  try {
    entries = readZip(readFileSync(file));
    manifest = JSON.parse(entries.get(MANIFEST_ENTRY)?.toString("utf8") ?? "null");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(`There is no file ${file}.`);
    throw notABackup(file);
  }
  if (manifest?.format !== BACKUP_FORMAT || !manifest.files?.[DB_ENTRY]) throw notABackup(file);
  if (manifest.formatVersion !== 1) {
    throw new InputError(
      `${file} is in backup format ${manifest.formatVersion}, from a newer dockpki: restore it with that version.`,
    );
  }
  for (const [name, { sha256: expected }] of Object.entries(manifest.files)) {
    const data = entries.get(name);
    if (!data || sha256(data) !== expected) {
      throw new InputError(
        `${file} is damaged or was altered: ${name} does not match the checksum in its manifest. Nothing was changed.`,
      );
    }
  }
  const keyText = manifest.files[KEY_ENTRY] ? (entries.get(KEY_ENTRY) as Buffer) : null;
  return { manifest, database: entries.get(DB_ENTRY) as Buffer, keyText };
}

/** The key configured now; only called when one is, so loadMasterKey never creates a fresh one here. */
function configuredKey(): Buffer {
  try {
    return loadMasterKey();
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

/** The key the restored database must open with: the backup's own, or, without one, the key configured now. */
function chooseKey(file: string, keyText: Buffer | null): { key: Buffer; source: string } {
  if (keyText) {
    const key = Buffer.from(keyText.toString("utf8").trim(), "base64");
    if (key.length !== 32) throw notABackup(file);
    if (process.env.DOCKPKI_MASTER_KEY && !configuredKey().equals(key)) {
      throw new InputError(
        "DOCKPKI_MASTER_KEY is set to another key than the one in the backup, and it would win over the restored key file. Unset it, or set it to the backup's key, then run the restore again. Nothing was changed.",
      );
    }
    return { key, source: "the master key in the backup" };
  }
  const keyFile = masterKeyPath();
  if (!process.env.DOCKPKI_MASTER_KEY && !existsSync(keyFile)) {
    throw new InputError(
      `The backup holds no master key (it was made with --without-key) and none is configured. Set DOCKPKI_MASTER_KEY, or put the key file at ${keyFile} (mode 0600), then run the restore again.`,
    );
  }
  return {
    key: configuredKey(),
    source: process.env.DOCKPKI_MASTER_KEY ? "DOCKPKI_MASTER_KEY" : `the key file ${keyFile}`,
  };
}

/** Refuses a file that is not a dockpki database, or whose stored keys the key cannot open. */
function checkDatabase(file: string, key: Buffer, keySource: string): void {
  let sqlite: Database.Database | undefined;
  let check: { value: string } | undefined;
  try {
    sqlite = new Database(file, { fileMustExist: true });
    sqlite.prepare("SELECT 1 FROM _prisma_migrations LIMIT 1").get();
    check = sqlite.prepare("SELECT value FROM Setting WHERE key = ?").get(KEY_CHECK.setting) as typeof check;
  } catch {
    throw new InputError(`${DB_ENTRY} in the backup is not a dockpki database. Nothing was changed.`);
  } finally {
    sqlite?.close();
  }
  if (!check) {
    throw new InputError(
      "The backup's database has no master key check (dockpki never started on it), so no key can be verified. Nothing was changed.",
    );
  }
  try {
    unseal(Buffer.from(check.value, "base64"), KEY_CHECK.boundTo, key);
  } catch {
    throw new InputError(
      `${keySource.charAt(0).toUpperCase()}${keySource.slice(1)} does not match the backup's database: it is not the key its private keys were sealed with. Nothing was changed. Provide the key in use when the backup was made (DOCKPKI_MASTER_KEY, or the file ${masterKeyPath()}) and run the restore again.`,
    );
  }
}

/** Puts the backup's key in place. A different key already there is set aside, never lost. */
async function installKey(key: Buffer): Promise<string | null> {
  const file = masterKeyPath();
  let setAside: string | null = null;
  if (existsSync(file) && !Buffer.from(readFileSync(file, "utf8").trim(), "base64").equals(key)) {
    setAside = `${file}.before-restore-${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}`;
    renameSync(file, setAside);
  }
  await writePrivateFile(file, Buffer.from(`${key.toString("base64")}\n`));
  return setAside;
}

/** A backup from an older dockpki is brought up to date before it takes the place of anything. */
function migrate(file: string): string[] {
  try {
    return applyMigrations({ databasePath: file, migrationsDir: path.join(process.cwd(), "prisma", "migrations") })
      .applied;
  } catch (err) {
    throw new InputError(
      `The backup's database cannot be brought up to date: ${(err as Error).message} Nothing was changed.`,
    );
  }
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: "boolean" } } });
  if (positionals.length !== 1) throw new UsageError("usage: dockpki restore FILE [--force]");
  const file = userPath(positionals[0]);
  const { manifest, database, keyText } = readBackup(file);
  const target = databasePath();
  if (!values.force && existsSync(target)) {
    throw new ConflictError(
      `${dataDir()} already has a database. Stop the dashboard first, then run the restore again with --force to replace it.`,
    );
  }
  const { key, source } = chooseKey(file, keyText);

  // Everything is checked on a private copy; the data dir is touched only once it has passed.
  const scratch = mkdtempSync(path.join(tmpdir(), "dockpki-restore-"));
  try {
    const copy = path.join(scratch, DB_ENTRY);
    writeFileSync(copy, database, { mode: 0o600 });
    checkDatabase(copy, key, source);
    const applied = migrate(copy);
    mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
    const setAside = keyText ? await installKey(key) : null;
    // The old database's WAL must not be replayed onto the restored one.
    for (const suffix of SQLITE_SIDE_FILES) rmSync(`${target}${suffix}`, { force: true });
    await writePrivateFile(target, readFileSync(copy));

    console.log(`Restored ${file} (dockpki ${manifest.dockpkiVersion}, made ${manifest.createdAt}) into ${dataDir()}.`);
    if (applied.length > 0) console.log(`Applied ${applied.length} migration(s): ${applied.join(", ")}.`);
    console.log(
      keyText ? `Master key written to ${masterKeyPath()} (mode 0600).` : `Master key: ${source}, unchanged.`,
    );
    if (setAside) console.log(`The key file that was there before is kept as ${setAside}.`);
    console.log("Start (or restart) the dashboard now.");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
