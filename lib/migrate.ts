import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

// Applies the committed migrations without a schema engine, and keeps the books in `_prisma_migrations` exactly as
// Prisma's engine does (same DDL, sha256 checksums, ISO timestamps as the better-sqlite3 adapter writes them), so
// `prisma migrate status` and `prisma migrate deploy` agree with what happened here. SQLite: prisma/migrations;
// PostgreSQL: prisma/postgresql/migrations (applyPostgresMigrations).

const migrationsTableDdl = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

type Migration = { name: string; script: Buffer };
type Recorded = { migration_name: string; checksum: string; finished_at: string | null };

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const timestamp = () => new Date().toISOString().replace("Z", "+00:00");

function readMigrations(migrationsDir: string): Migration[] {
  if (!existsSync(migrationsDir)) throw new Error(`There is no migrations directory at ${migrationsDir}.`);
  const folders = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return folders.map((name) => ({ name, script: readFileSync(path.join(migrationsDir, name, "migration.sql")) }));
}

// Like Prisma, accept a script whose line endings git changed since it was applied.
function matchesChecksum(script: Buffer, checksum: string): boolean {
  const text = script.toString("utf8");
  return [script, text.replaceAll("\r\n", "\n"), text.replaceAll("\n", "\r\n")].some((s) => sha256(s) === checksum);
}

function refuseUnsafeHistory(recorded: Recorded[], migrations: Migration[]): void {
  const known = new Map(migrations.map((m) => [m.name, m]));
  const unknown = recorded.filter((row) => !known.has(row.migration_name)).map((row) => row.migration_name);
  if (unknown.length > 0) {
    throw new Error(
      `The database has migrations this version of dockpki does not know (${unknown.join(", ")}): a newer dockpki ` +
        "has used it. Run that newer version, or restore a backup taken before the upgrade.",
    );
  }
  const failed = recorded.find((row) => row.finished_at === null);
  if (failed) {
    const name = failed.migration_name;
    throw new Error(
      `Migration ${name} was started but never finished: an earlier attempt failed part-way. Back up the database, ` +
        `undo what prisma/migrations/${name}/migration.sql managed to change, then mark the attempt as rolled back ` +
        `(\`prisma migrate resolve --rolled-back ${name}\`, or in sqlite3: UPDATE _prisma_migrations SET ` +
        `rolled_back_at = CURRENT_TIMESTAMP WHERE migration_name = '${name}' AND finished_at IS NULL) and start again.`,
    );
  }
  const edited = recorded.find((row) => {
    const migration = known.get(row.migration_name);
    return migration !== undefined && !matchesChecksum(migration.script, row.checksum);
  });
  if (edited) {
    throw new Error(
      `Migration ${edited.migration_name} was changed after it was applied to this database. Restore ` +
        `prisma/migrations/${edited.migration_name}/migration.sql and put schema changes in a new migration instead.`,
    );
  }
}

/** Brings the SQLite database up to date with the migrations directory; returns the names it applied. */
export function applyMigrations(opts: { databasePath: string; migrationsDir: string }): { applied: string[] } {
  const migrations = readMigrations(opts.migrationsDir);
  mkdirSync(path.dirname(opts.databasePath), { recursive: true });
  const db = new Database(opts.databasePath, { timeout: 30_000 });
  try {
    enableWal(db);
    // Prisma redefines a table by dropping and re-creating it; with foreign keys on (better-sqlite3's default) inside
    // a transaction, where the script's own `PRAGMA foreign_keys=OFF` is ignored, the DROP would cascade-delete every
    // child row. So this one connection migrates with keys off and checks them before the commit, as SQLite's
    // ALTER TABLE guide prescribes; the app's own connections keep them on.
    db.pragma("foreign_keys = OFF");
    // IMMEDIATE takes the write lock before reading the history, so a second process starting at the same time
    // waits here and then finds the work done.
    db.exec("BEGIN IMMEDIATE");
    try {
      const applied = applyPending(db, migrations);
      const [broken] = db.pragma("foreign_key_check") as { table: string }[];
      if (broken) throw new Error(`The migrations left rows in ${broken.table} that break a foreign key.`);
      db.exec("COMMIT");
      return { applied };
    } finally {
      if (db.inTransaction) db.exec("ROLLBACK");
    }
  } finally {
    db.close();
  }
}

// Switching to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once, without waiting for the busy
// timeout, while another process (a second dockpki starting at the same moment) has the database open: retry.
function enableWal(db: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || attempt === 500) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function applyPending(db: Database.Database, migrations: Migration[]): string[] {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
  if (!hasTable) {
    // Migrating a database some other program made would mix dockpki's tables into it.
    const foreign = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 3")
      .all() as { name: string }[];
    if (foreign.length > 0) {
      throw new Error(
        `it is not a dockpki database: it has tables (${foreign.map((t) => t.name).join(", ")}) but no dockpki migration history`,
      );
    }
    db.exec(migrationsTableDdl);
  }
  const recorded = db
    .prepare("SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL")
    .all() as Recorded[];
  refuseUnsafeHistory(recorded, migrations);

  const done = new Set(recorded.map((row) => row.migration_name));
  const record = db.prepare(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, logs, rolled_back_at,
       applied_steps_count) VALUES (?, ?, ?, ?, ?, NULL, NULL, 1)`,
  );
  const pending = migrations.filter((m) => !done.has(m.name));
  for (const migration of pending) {
    const startedAt = timestamp();
    try {
      db.exec(migration.script.toString("utf8"));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `Migration ${migration.name} failed; the database was left as it was before: ${reason}`;
      throw new Error(message, { cause: error });
    }
    record.run(randomUUID(), sha256(migration.script), startedAt, timestamp(), migration.name);
  }
  return pending.map((m) => m.name);
}

/** SQLite's own consistency check of the whole file (PRAGMA quick_check); null when it is sound. */
export function checkDatabaseIntegrity(databasePath: string): string | null {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma("quick_check(3)") as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((line) => line !== "ok");
    return problems.length > 0 ? problems.join("; ") : null;
  } finally {
    db.close();
  }
}

// Prisma's own DDL for the history on PostgreSQL.
const postgresMigrationsTableDdl = `CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** The session-level advisory lock every dockpki instance takes to migrate: one migrates, the others wait, then find it done. */
export const MIGRATION_LOCK = 7_271_736_019_846_217n;

/**
 * Brings a PostgreSQL database up to date with the migrations directory; returns the names it applied. Two instances
 * starting together take turns on an advisory lock, so the second finds the work done. Each migration runs in its own
 * transaction with its record (PostgreSQL's DDL is transactional): a failed one leaves nothing behind.
 */
export async function applyPostgresMigrations(opts: { url: string; migrationsDir: string }): Promise<{
  applied: string[];
}> {
  const migrations = readMigrations(opts.migrationsDir);
  // Loaded here, not with the module: start-up on SQLite imports this file too.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK.toString()]);
    const { rows: exists } = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`);
    if (!exists[0].exists) {
      const { rows: foreign } = await client.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename LIMIT 3",
      );
      if (foreign.length > 0) {
        throw new Error(
          `it is not a dockpki database: it has tables (${foreign.map((t) => t.tablename).join(", ")}) but no dockpki migration history. Give dockpki a database of its own.`,
        );
      }
      await client.query(postgresMigrationsTableDdl);
    }
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    refuseUnsafeHistory(
      rows.map((r) => ({ ...r, finished_at: r.finished_at?.toISOString() ?? null })),
      migrations,
    );
    const done = new Set(rows.map((row) => row.migration_name));
    const pending = migrations.filter((m) => !done.has(m.name));
    for (const migration of pending) {
      const startedAt = new Date();
      await client.query("BEGIN");
      try {
        await client.query(migration.script.toString("utf8"));
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, started_at, finished_at, migration_name, logs, rolled_back_at,
             applied_steps_count) VALUES ($1, $2, $3, now(), $4, NULL, NULL, 1)`,
          [randomUUID(), sha256(migration.script), startedAt, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        const reason = error instanceof Error ? error.message : String(error);
        const message = `Migration ${migration.name} failed; the database was left as it was before: ${reason}`;
        throw new Error(message, { cause: error });
      }
    }
    return { applied: pending.map((m) => m.name) };
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end().catch(() => {});
  }
}
