// The PostgreSQL side of lib/migrate.ts and of the one-schema rule. Starts a throwaway cluster of its own
// (lib/test-support/postgres.ts); without PostgreSQL's binaries those tests are skipped, and the run says so.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { applyPostgresMigrations } from "@/lib/migrate";
import { findPostgresBin, POSTGRES_MISSING, type PostgresCluster, startPostgres } from "@/lib/test-support/postgres";
import { noFilter, readMigrationList, withSchemaEngine } from "@/scripts/migrate-engine";
import { POSTGRES_SCHEMA, postgresSchema, SQLITE_SCHEMA } from "@/scripts/prisma-schemas.mjs";

const repoRoot = path.resolve(import.meta.dirname, "..");
const migrationsDir = path.join(repoRoot, "prisma", "postgresql", "migrations");
const names = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

test("the PostgreSQL schema is the SQLite one with another provider: regenerated, it is what is committed", () => {
  const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
  const committed = readFileSync(POSTGRES_SCHEMA, "utf8");
  assert.equal(committed, postgresSchema(sqlite), "run node scripts/prisma-schemas.mjs (npm install does)");
  // And nothing else differs: drop the header and the two lines that may differ.
  const strip = (text: string) =>
    text
      .split("\n")
      .filter(
        (l) => !l.startsWith("// GENERATED") && !l.startsWith("// run it)") && !/^\s*(provider|output)\s*=/.test(l),
      )
      .join("\n");
  assert.equal(strip(committed), strip(sqlite));
});

test("both histories make the same changes under the same names, from the first PostgreSQL one on", () => {
  const sqliteNames = readdirSync(path.join(repoRoot, "prisma", "migrations"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  // PostgreSQL's history starts with the schema as it was then, in one migration; every later one has a twin.
  const [first, ...later] = names;
  assert.ok(first, "there is a PostgreSQL history");
  assert.deepEqual(
    later,
    sqliteNames.filter((n) => n > first),
  );
});

const skip = findPostgresBin() ? false : POSTGRES_MISSING;
if (skip) console.log(`!!! ${POSTGRES_MISSING}`);

describe("PostgreSQL migrations", { skip }, () => {
  let cluster: PostgresCluster;
  before(async () => {
    cluster = await startPostgres();
  });
  after(() => cluster?.stop());

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  test("instances starting together migrate once: one applies every migration, the other finds them done", async () => {
    const url = await cluster.createDatabase();
    const results = await Promise.all([
      applyPostgresMigrations({ url, migrationsDir }),
      applyPostgresMigrations({ url, migrationsDir }),
      applyPostgresMigrations({ url, migrationsDir }),
    ]);
    const applied = results.map((r) => r.applied).sort((a, b) => b.length - a.length);
    assert.deepEqual(applied, [names, [], []]);
    const rows = await query<{ migration_name: string; applied_steps_count: number }>(
      url,
      `SELECT migration_name, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      names,
    );
    assert.ok(rows.every((r) => r.applied_steps_count === 1));
  });

  test("Prisma's own engine agrees with the history written here and finds nothing to apply", async () => {
    const url = await cluster.createDatabase();
    await applyPostgresMigrations({ url, migrationsDir });
    const schema = { path: POSTGRES_SCHEMA, content: readFileSync(POSTGRES_SCHEMA, "utf8") };
    const migrationsList = await readMigrationList(migrationsDir);
    await withSchemaEngine({ schema, postgresUrl: url }, async (engine) => {
      const diagnosis = await engine.diagnoseMigrationHistory({
        migrationsList,
        optInToShadowDatabase: false,
        filters: noFilter,
      });
      assert.deepEqual(diagnosis, {
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
      assert.deepEqual(await engine.applyMigrations({ migrationsList, filters: noFilter }), {
        appliedMigrationNames: [],
      });
    });
  });

  test("a database holding another program's tables is refused and left alone", async () => {
    const url = await cluster.createDatabase();
    await query(url, "CREATE TABLE invoices (id int)");
    await assert.rejects(applyPostgresMigrations({ url, migrationsDir }), /not a dockpki database: .*invoices/);
    const tables = await query<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    assert.deepEqual(
      tables.map((t) => t.tablename),
      ["invoices"],
    );
  });

  test("a migration that fails leaves nothing behind, and the next start says which one", async () => {
    const url = await cluster.createDatabase();
    const { mkdtempSync, cpSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(path.join(tmpdir(), "dockpki-pg-migrations-"));
    try {
      cpSync(migrationsDir, dir, { recursive: true });
      mkdirSync(path.join(dir, "20991231000000_broken"));
      writeFileSync(
        path.join(dir, "20991231000000_broken", "migration.sql"),
        'ALTER TABLE "Setting" ADD COLUMN "note" TEXT;\nALTER TABLE "Nowhere" ADD COLUMN "x" TEXT;\n',
      );
      await assert.rejects(
        applyPostgresMigrations({ url, migrationsDir: dir }),
        /Migration 20991231000000_broken failed; the database was left as it was before: .*Nowhere/,
      );
      const columns = await query<{ column_name: string }>(
        url,
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'Setting' ORDER BY column_name`,
      );
      assert.deepEqual(
        columns.map((c) => c.column_name),
        ["key", "value"],
        "the first statement was rolled back with the second",
      );
      // The good ones before it were kept; the broken one is not recorded at all.
      const recorded = await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations"`);
      assert.equal(recorded.length, names.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
