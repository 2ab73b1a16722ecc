import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { inflateRawSync } from "node:zlib";
import { ZipArchive } from "archiver";
import Database from "better-sqlite3";
import { UsageError, userPath } from "@/lib/cli/io";
import { databasePath } from "@/lib/config";
import { loadMasterKey } from "@/lib/crypto/master-key";
import { ConflictError, InputError } from "@/lib/errors";
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
  if (!force && existsSync(file)) throw new ConflictError(`${file} already exists. Choose another name, or add --force to replace it.`);
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
        .prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name")
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
    throw new InputError(`${keyProblem} A backup with this key could not be restored: use --without-key and find the original key.`);
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

  console.log(`Backup written to ${file} (mode 0600): ${[...entries.keys()].join(" and ")}, made by dockpki ${manifest.dockpkiVersion}.`);
  if (withKey) {
    console.error(
      "warning: this backup holds the master key. Anyone who has it can open every private key dockpki stores (the CA's included): keep it as safe as the server itself.",
    );
  } else {
    console.error(
      `The master key is not in this backup, so the file alone reveals no private key. Keep the key (${process.env.DOCKPKI_MASTER_KEY ? "DOCKPKI_MASTER_KEY" : "data/master.key"}) somewhere else: without it the backup cannot be restored.`,
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
