import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ZipArchive } from "archiver";
import Database from "better-sqlite3";
import {
  BACKUP_FORMAT,
  type BackupManifest,
  DB_ENTRY,
  KEY_ENTRY,
  MANIFEST_ENTRY,
  sha256,
} from "@/lib/cli/backup-format";
import { copyPostgresToSqlite } from "@/lib/cli/backup-postgres";
import { refuseExisting, UsageError, userPath, writePrivateFile } from "@/lib/cli/io";
import { describeCounts } from "@/lib/cli/table-copy";
import { databaseLabel, databasePath, databaseProvider, masterKeyPath } from "@/lib/config";
import { loadMasterKey } from "@/lib/crypto/master-key";
import { InputError } from "@/lib/errors";
import { masterKeyProblem } from "@/lib/startup";

/** A snapshot through SQLite's backup API, consistent even while the dashboard writes (WAL). */
async function copySqlite(copy: string): Promise<void> {
  const source = new Database(databasePath(), { fileMustExist: true, timeout: 10_000 });
  try {
    await source.backup(copy);
  } finally {
    source.close();
  }
}

/** The database as one SQLite file, whichever database dockpki runs on, and the migrations it is at. */
async function snapshotDatabase(): Promise<{ bytes: Buffer; migrations: string[]; copied: string | null }> {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-backup-"));
  try {
    const copy = path.join(dir, DB_ENTRY);
    let copied: string | null = null;
    if (databaseProvider() === "postgresql") copied = describeCounts(await copyPostgresToSqlite(copy));
    else await copySqlite(copy);
    const snapshot = new Database(copy);
    try {
      // A rollback-journal database is complete in one file; restore switches it back to WAL.
      snapshot.pragma("journal_mode = DELETE");
      const rows = snapshot
        .prepare(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
        )
        .all() as { migration_name: string }[];
      return { bytes: readFileSync(copy), migrations: rows.map((r) => r.migration_name), copied };
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

  const { bytes, migrations, copied } = await snapshotDatabase();
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
  if (copied) console.log(`From one consistent snapshot of the ${databaseLabel()}: ${copied}.`);
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
