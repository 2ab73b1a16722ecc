import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { DB_ENTRY, notABackup, readBackup } from "@/lib/cli/backup-format";
import { UsageError, userPath, writePrivateFile } from "@/lib/cli/io";
import { preparePostgresRestore, replacePostgresRows } from "@/lib/cli/restore-postgres";
import { describeCounts } from "@/lib/cli/table-copy";
import { databaseLabel, databasePath, databaseProvider, dataDir, masterKeyPath, migrationsDir } from "@/lib/config";
import { KEY_CHECK } from "@/lib/crypto/key-check";
import { loadMasterKey, masterKeyConfigured } from "@/lib/crypto/master-key";
import { unseal } from "@/lib/crypto/seal";
import { ConflictError, InputError } from "@/lib/errors";
import { applyMigrations } from "@/lib/migrate";

const SQLITE_SIDE_FILES = ["-wal", "-shm", "-journal"];

/** The key configured now; only called when one is, so loadMasterKey never creates a fresh one here. */
function configuredKey(): Buffer {
  try {
    return loadMasterKey();
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

const configuredKeySource = () =>
  process.env.DOCKPKI_MASTER_KEY ? "DOCKPKI_MASTER_KEY" : `the key file ${masterKeyPath()}`;

/** The key the restored database must open with: the backup's own, or, without one, the key configured now. */
function chooseKey(file: string, keyText: Buffer | null, postgres: boolean): { key: Buffer; source: string } {
  if (keyText) {
    const key = Buffer.from(keyText.toString("utf8").trim(), "base64");
    if (key.length !== 32) throw notABackup(file);
    // On SQLite the data dir's key file is replaced with the backup's; on PostgreSQL it is shared with the other
    // instances, so any configured key must already be the backup's.
    if (postgres && masterKeyConfigured() && !configuredKey().equals(key)) {
      throw new InputError(
        `${capitalize(configuredKeySource())} holds another key than the one in the backup. The restored private keys open only with the backup's key, and every instance on this database must use it: put the backup's key in its place on every instance (or remove it here, and the restore writes the backup's key to ${masterKeyPath()}), then run the restore again. Nothing was changed.`,
      );
    }
    if (process.env.DOCKPKI_MASTER_KEY && !configuredKey().equals(key)) {
      throw new InputError(
        "DOCKPKI_MASTER_KEY is set to another key than the one in the backup, and it would win over the restored key file. Unset it, or set it to the backup's key, then run the restore again. Nothing was changed.",
      );
    }
    return { key, source: "the master key in the backup" };
  }
  if (!masterKeyConfigured()) {
    throw new InputError(
      `The backup holds no master key (it was made with --without-key) and none is configured. Set DOCKPKI_MASTER_KEY, or put the key file at ${masterKeyPath()} (mode 0600), then run the restore again.`,
    );
  }
  return { key: configuredKey(), source: configuredKeySource() };
}

const capitalize = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

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
      `${capitalize(keySource)} does not match the backup's database: it is not the key its private keys were sealed with. Nothing was changed. Provide the key in use when the backup was made (DOCKPKI_MASTER_KEY, or the file ${masterKeyPath()}) and run the restore again.`,
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
    return applyMigrations({ databasePath: file, migrationsDir: migrationsDir("sqlite") }).applied;
  } catch (err) {
    throw new InputError(
      `The backup's database cannot be brought up to date: ${(err as Error).message} Nothing was changed.`,
    );
  }
}

/** The SQLite way: the checked copy takes the place of the data dir's database file. */
async function replaceDatabaseFile(copy: string, keyText: Buffer | null, key: Buffer): Promise<string[]> {
  const target = databasePath();
  mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
  const setAside = keyText ? await installKey(key) : null;
  // The old database's WAL must not be replayed onto the restored one.
  for (const suffix of SQLITE_SIDE_FILES) rmSync(`${target}${suffix}`, { force: true });
  await writePrivateFile(target, readFileSync(copy));
  return [
    keyText
      ? `Master key written to ${masterKeyPath()} (mode 0600).`
      : `Master key: ${configuredKeySource()}, unchanged.`,
    ...(setAside ? [`The key file that was there before is kept as ${setAside}.`] : []),
    "Start (or restart) the dashboard now.",
  ];
}

/** The PostgreSQL way: the database's rows are replaced in one transaction; the key is shared by every instance. */
async function replacePostgresData(copy: string, keyText: Buffer | null, key: Buffer, force: boolean) {
  await preparePostgresRestore(force);
  // A key is written only where none is configured (chooseKey refused a different one).
  const keyFile = keyText && !masterKeyConfigured() ? masterKeyPath() : null;
  if (keyFile) {
    mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
    await writePrivateFile(keyFile, Buffer.from(`${key.toString("base64")}\n`));
  }
  let counts: Map<string, number>;
  try {
    counts = await replacePostgresRows(copy);
  } catch (err) {
    if (keyFile) rmSync(keyFile, { force: true });
    throw err;
  }
  return {
    counts,
    notes: [
      keyFile
        ? `Master key written to ${keyFile} (mode 0600). Every instance that uses this database needs this same key: copy the file to each (DOCKPKI_MASTER_KEY_FILE), or set DOCKPKI_MASTER_KEY to its content.`
        : `Master key: ${configuredKeySource()}, unchanged: every instance that uses this database needs this same key.`,
      "Start the dockpki instances again now.",
    ],
  };
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: "boolean" } } });
  if (positionals.length !== 1) throw new UsageError("usage: dockpki restore FILE [--force]");
  const file = userPath(positionals[0]);
  const postgres = databaseProvider() === "postgresql";
  const { manifest, database, keyText } = await readBackup(file);
  if (!postgres && !values.force && existsSync(databasePath())) {
    throw new ConflictError(
      `${dataDir()} already has a database. Stop the dashboard first, then run the restore again with --force to replace it.`,
    );
  }
  const { key, source } = chooseKey(file, keyText, postgres);

  // Everything is checked on a private copy; the data dir (or the PostgreSQL database) is touched only once it has passed.
  const scratch = mkdtempSync(path.join(tmpdir(), "dockpki-restore-"));
  try {
    const copy = path.join(scratch, DB_ENTRY);
    writeFileSync(copy, database, { mode: 0o600 });
    checkDatabase(copy, key, source);
    const applied = migrate(copy);
    const made = `${file} (dockpki ${manifest.dockpkiVersion}, made ${manifest.createdAt})`;
    let notes: string[];
    if (postgres) {
      const restored = await replacePostgresData(copy, keyText, key, Boolean(values.force));
      console.log(`Restored ${made} into the ${databaseLabel()}: ${describeCounts(restored.counts)}.`);
      notes = restored.notes;
    } else {
      notes = await replaceDatabaseFile(copy, keyText, key);
      console.log(`Restored ${made} into ${dataDir()}.`);
    }
    if (applied.length > 0) console.log(`Applied ${applied.length} migration(s): ${applied.join(", ")}.`);
    for (const note of notes) console.log(note);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
