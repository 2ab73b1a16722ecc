import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { applyMigrations } from "@/lib/migrate";
import { noFilter, readMigrationList, withSchemaEngine } from "@/scripts/migrate-engine";

const repoRoot = path.resolve(import.meta.dirname, "..");
const realMigrations = path.join(repoRoot, "prisma", "migrations");
const realNames = readdirSync(realMigrations, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const [initName] = realNames;

const scratch = mkdtempSync(path.join(tmpdir(), "dockpki-migrate-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
function freshDir(): string {
  const dir = path.join(scratch, String(++count));
  mkdirSync(dir);
  return dir;
}

/** A migrations dir holding the real init migration plus the given extra migrations. */
function migrationsWith(extra: Record<string, string> = {}): string {
  const dir = path.join(freshDir(), "migrations");
  cpSync(path.join(realMigrations, initName), path.join(dir, initName), { recursive: true });
  for (const [name, sql] of Object.entries(extra)) addMigration(dir, name, sql);
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

function query<T>(databasePath: string, sql: string): T[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

type Row = Record<string, string | number | null>;
const historyOf = (databasePath: string) =>
  query<Row>(databasePath, "SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name");
const schemaOf = (databasePath: string) =>
  query<{ name: string; sql: string }>(databasePath, "SELECT name, sql FROM sqlite_master ORDER BY name");
const addNote = { "20990101000000_setting_note": 'ALTER TABLE "Setting" ADD COLUMN "note" TEXT;\n' };

test("a fresh database gets every migration, recorded exactly as Prisma's engine records them", async () => {
  const ours = path.join(freshDir(), "data", "dockpki.db");
  assert.deepEqual(applyMigrations({ databasePath: ours, migrationsDir: realMigrations }), { applied: realNames });
  assert.equal(query<{ journal_mode: string }>(ours, "PRAGMA journal_mode")[0].journal_mode, "wal");

  const engineDir = freshDir();
  const theirs = path.join(engineDir, "engine.db");
  const schemaPath = path.join(repoRoot, "prisma", "schema.prisma");
  const schema = { path: schemaPath, content: readFileSync(schemaPath, "utf8") };
  const migrationsList = await readMigrationList(realMigrations);
  const verdict = await withSchemaEngine({ schema, databasePath: theirs, shadowDir: engineDir }, async (engine) => {
    await engine.applyMigrations({ migrationsList, filters: noFilter });
    return engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: noFilter });
  });
  assert.deepEqual(verdict.history, null);
  // Same tables, indexes and migrations table DDL, byte for byte.
  assert.deepEqual(schemaOf(ours), schemaOf(theirs));

  const [mine, engines] = [historyOf(ours), historyOf(theirs)];
  assert.equal(mine.length, realNames.length);
  const shape = (row: Row) => ({
    ...row,
    id: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(String(row.id)),
    started_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/.test(String(row.started_at)),
    finished_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/.test(String(row.finished_at)),
  });
  assert.deepEqual(mine.map(shape), engines.map(shape));
  assert.deepEqual(
    mine.map(shape),
    realNames.map((name) => ({
      id: true,
      checksum: createHash("sha256")
        .update(readFileSync(path.join(realMigrations, name, "migration.sql")))
        .digest("hex"),
      finished_at: true,
      migration_name: name,
      logs: null,
      rolled_back_at: null,
      started_at: true,
      applied_steps_count: 1,
    })),
  );
  const types = "SELECT typeof(started_at), typeof(finished_at), typeof(applied_steps_count) FROM _prisma_migrations";
  assert.deepEqual(query(ours, types), query(theirs, types));
});

test("Prisma's engine agrees with a history written here and finds nothing to deploy", async () => {
  const dir = freshDir();
  const databasePath = path.join(dir, "dockpki.db");
  const migrationsDir = migrationsWith(addNote);
  applyMigrations({ databasePath, migrationsDir });
  const schemaPath = path.join(repoRoot, "prisma", "schema.prisma");
  const schema = { path: schemaPath, content: readFileSync(schemaPath, "utf8") };
  const migrationsList = await readMigrationList(migrationsDir);
  await withSchemaEngine({ schema, databasePath, shadowDir: dir }, async (engine) => {
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

test("running again applies nothing", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  applyMigrations({ databasePath, migrationsDir: realMigrations });
  const before = historyOf(databasePath);
  assert.deepEqual(applyMigrations({ databasePath, migrationsDir: realMigrations }), { applied: [] });
  assert.deepEqual(historyOf(databasePath), before);
});

test("an older database gets only the new migration", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const migrationsDir = migrationsWith();
  applyMigrations({ databasePath, migrationsDir });
  addMigration(migrationsDir, ...Object.entries(addNote)[0]);
  assert.deepEqual(applyMigrations({ databasePath, migrationsDir }), { applied: Object.keys(addNote) });
  assert.ok(query<{ name: string }>(databasePath, "PRAGMA table_info(Setting)").some((c) => c.name === "note"));
  assert.deepEqual(
    historyOf(databasePath).map((row) => row.migration_name),
    [initName, ...Object.keys(addNote)],
  );
});

test("a migration edited after it was applied is refused; changed line endings are not an edit", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const migrationsDir = migrationsWith();
  applyMigrations({ databasePath, migrationsDir });
  const file = path.join(migrationsDir, initName, "migration.sql");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replaceAll("\n", "\r\n"));
  assert.deepEqual(applyMigrations({ databasePath, migrationsDir }), { applied: [] });
  writeFileSync(file, `${original}\n-- tweak\n`);
  assert.throws(() => applyMigrations({ databasePath, migrationsDir }), /was changed after it was applied/);
});

test("a failing migration leaves no trace: no tables, no row, nothing from earlier pending migrations", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const migrationsDir = migrationsWith({
    "20990101000000_broken":
      'CREATE TABLE "Half" ("id" TEXT NOT NULL PRIMARY KEY);\nINSERT INTO "Nowhere" VALUES (1);\n',
  });
  assert.throws(
    () => applyMigrations({ databasePath, migrationsDir }),
    /20990101000000_broken failed; the database was left as it was before: no such table/,
  );
  assert.deepEqual(schemaOf(databasePath), []);

  rmSync(path.join(migrationsDir, "20990101000000_broken"), { recursive: true });
  applyMigrations({ databasePath, migrationsDir });
  addMigration(migrationsDir, "20990101000000_broken", 'CREATE TABLE "Half" ("id" TEXT);\nSELECT * FROM "Nowhere";\n');
  const before = schemaOf(databasePath);
  assert.throws(() => applyMigrations({ databasePath, migrationsDir }), /failed/);
  assert.deepEqual(schemaOf(databasePath), before);
  assert.equal(historyOf(databasePath).length, 1);
});

test("an attempt recorded as started but not finished is refused with a way out", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const migrationsDir = migrationsWith(addNote);
  const [noteName] = Object.keys(addNote);
  rmSync(path.join(migrationsDir, noteName), { recursive: true });
  applyMigrations({ databasePath, migrationsDir });
  addMigration(migrationsDir, noteName, addNote[noteName as keyof typeof addNote]);
  const db = new Database(databasePath);
  db.prepare(
    "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs) VALUES ('x', 'y', ?, ?, 'boom')",
  ).run(new Date().toISOString().replace("Z", "+00:00"), noteName);
  assert.throws(
    () => applyMigrations({ databasePath, migrationsDir }),
    /was started but never finished.*migrate resolve --rolled-back/,
  );
  db.prepare("UPDATE _prisma_migrations SET rolled_back_at = CURRENT_TIMESTAMP WHERE id = 'x'").run();
  db.close();
  assert.deepEqual(applyMigrations({ databasePath, migrationsDir }), { applied: [noteName] });
});

test("a database written by a newer dockpki is refused", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  applyMigrations({ databasePath, migrationsDir: migrationsWith(addNote) });
  assert.throws(
    () => applyMigrations({ databasePath, migrationsDir: migrationsWith() }),
    /does not know \(20990101000000_setting_note\): a newer dockpki/,
  );
});

test("redefining a table (Prisma's drop and re-create) keeps the rows that point at it", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const migrationsDir = migrationsWith();
  applyMigrations({ databasePath, migrationsDir });
  const db = new Database(databasePath);
  db.exec(`INSERT INTO "Admin" ("id", "username", "passwordHash") VALUES ('a1', 'root', 'h');
    INSERT INTO "Session" ("id", "adminId", "expiresAt") VALUES ('s1', 'a1', CURRENT_TIMESTAMP);`);
  db.close();
  addMigration(
    migrationsDir,
    "20990101000000_admin_note",
    `-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Admin" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoginAt" DATETIME,
    "note" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_Admin" ("createdAt", "id", "lastLoginAt", "passwordHash", "username") SELECT "createdAt", "id", "lastLoginAt", "passwordHash", "username" FROM "Admin";
DROP TABLE "Admin";
ALTER TABLE "new_Admin" RENAME TO "Admin";
CREATE UNIQUE INDEX "Admin_username_key" ON "Admin"("username");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`,
  );
  applyMigrations({ databasePath, migrationsDir });
  assert.deepEqual(query(databasePath, `SELECT "id", "adminId" FROM "Session"`), [{ id: "s1", adminId: "a1" }]);
  assert.deepEqual(query(databasePath, "PRAGMA foreign_key_check"), []);
});

test("the real migrations after init keep every host's certificates and settings", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  applyMigrations({ databasePath, migrationsDir: migrationsWith() });
  const db = new Database(databasePath);
  db.exec(`INSERT INTO "CertificateAuthority" ("id", "commonName", "subject", "serial", "fingerprint", "keySize",
      "notBefore", "notAfter", "certPem", "keySealed") VALUES ('ca1', 'CA', 'CN=CA', '01', 'f', 4096,
      CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'pem', x'00');
    INSERT INTO "Host" ("id", "name", "dnsNames", "keepUnixSocket", "updatedAt")
      VALUES ('h1', 'docker1', '["docker1.example.com"]', false, CURRENT_TIMESTAMP);
    INSERT INTO "Certificate" ("id", "kind", "caId", "hostId", "serial", "commonName", "subject", "keySize",
      "notBefore", "notAfter", "fingerprint", "certPem") VALUES ('c1', 'server', 'ca1', 'h1', '02', 'docker1',
      'CN=docker1', 3072, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'f2', 'pem');`);
  db.close();
  const { applied } = applyMigrations({ databasePath, migrationsDir: realMigrations });
  assert.ok(applied.length > 0 && !applied.includes(initName));
  assert.deepEqual(query(databasePath, `SELECT "id", "hostId" FROM "Certificate"`), [{ id: "c1", hostId: "h1" }]);
  assert.deepEqual(query(databasePath, `SELECT "name", "dnsNames", "keepUnixSocket", "localAccess" FROM "Host"`), [
    { name: "docker1", dnsNames: '["docker1.example.com"]', keepUnixSocket: 0, localAccess: 0 },
  ]);
  assert.deepEqual(query(databasePath, "PRAGMA foreign_key_check"), []);
});

test("two processes starting at once apply each migration once", async () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const migrationsDir = migrationsWith(addNote);
  // Each child loads everything, says "ready", and migrates when told to, so both really start together.
  const script = `import { applyMigrations } from ${JSON.stringify(path.join(repoRoot, "lib", "migrate.ts"))};
    process.stdin.once("data", () => {
      console.log(JSON.stringify(applyMigrations(${JSON.stringify({ databasePath, migrationsDir })}).applied));
      process.exit(0);
    });
    console.log("ready");`;
  const children = [1, 2].map(() =>
    spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  for (const line of lines) assert.equal((await line.next()).value, "ready");
  for (const child of children) child.stdin.write("go\n");
  const applied = await Promise.all(lines.map(async (line) => JSON.parse((await line.next()).value) as string[]));
  assert.deepEqual(applied.flat().sort(), [initName, ...Object.keys(addNote)]);
  assert.equal(historyOf(databasePath).length, 2);
});

test("upgrading keeps hosts whose names differ only in case, and learns from the audit log what each host received", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const before = realNames.filter((n) => n < "20261202011636");
  const dir = path.join(freshDir(), "migrations");
  for (const name of before) cpSync(path.join(realMigrations, name), path.join(dir, name), { recursive: true });
  applyMigrations({ databasePath, migrationsDir: dir });
  const db = new Database(databasePath);
  db.exec(`INSERT INTO "CertificateAuthority" ("id", "commonName", "subject", "serial", "fingerprint", "keySize",
      "notBefore", "notAfter", "certPem", "keySealed", "createdAt", "status", "retiredAt") VALUES
      ('ca-old', 'Old', 'CN=Old', '01', 'f0', 4096, '2026-01-01T00:00:00.000+00:00', '2036-01-01T00:00:00.000+00:00',
       'pem', x'00', '2026-01-01T00:00:00.000+00:00', 'retired', '2026-06-01T00:00:00.000+00:00'),
      ('ca-new', 'New', 'CN=New', '02', 'f1', 4096, '2026-03-01T00:00:00.000+00:00', '2036-01-01T00:00:00.000+00:00',
       'pem', x'00', '2026-03-01T00:00:00.000+00:00', 'active', NULL);
    INSERT INTO "Host" ("id", "name", "updatedAt", "createdAt") VALUES
      ('h1', 'docker1', CURRENT_TIMESTAMP, '2026-01-01T00:00:00.000+00:00'),
      ('h2', 'DOCKER1', CURRENT_TIMESTAMP, '2026-02-01T00:00:00.000+00:00');
    INSERT INTO "Certificate" ("id", "kind", "caId", "hostId", "serial", "commonName", "subject", "keySize",
      "notBefore", "notAfter", "fingerprint", "certPem") VALUES ('c1', 'server', 'ca-old', 'h1', '03', 'docker1',
      'CN=docker1', 3072, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'f2', 'pem');
    INSERT INTO "AuditEvent" ("at", "actor", "action", "target", "detail") VALUES
      ('2026-04-01T00:00:00.000+00:00', 'admin:a', 'cert.download', 'docker1', '{"id":"c1","serial":"03"}');`);
  db.close();
  applyMigrations({ databasePath, migrationsDir: realMigrations });
  assert.deepEqual(query(databasePath, `SELECT "id", "nameKey" FROM "Host" ORDER BY "id"`), [
    { id: "h1", nameKey: "docker1" },
    { id: "h2", nameKey: "docker1#h2" },
  ]);
  const [h1] = query<Row>(databasePath, `SELECT * FROM "Host" WHERE "id" = 'h1'`);
  assert.equal(h1.bundleCertificateId, "c1");
  assert.equal(h1.bundleDeliveredAt, "2026-04-01T00:00:00.000+00:00");
  // In April both CAs were trusted: the old one was retired only in June.
  assert.deepEqual(JSON.parse(String(h1.bundleCaIds)).sort(), ["ca-new", "ca-old"]);
  assert.deepEqual(query(databasePath, `SELECT "bundleCaIds" FROM "Host" WHERE "id" = 'h2'`), [{ bundleCaIds: null }]);
});

test("upgrading to roles keeps every admin and API token an admin, so nothing an admin could do is lost", () => {
  const databasePath = path.join(freshDir(), "dockpki.db");
  const dir = path.join(freshDir(), "migrations");
  for (const name of realNames.filter((n) => n < "20261202045007")) {
    cpSync(path.join(realMigrations, name), path.join(dir, name), { recursive: true });
  }
  applyMigrations({ databasePath, migrationsDir: dir });
  const db = new Database(databasePath);
  db.exec(`INSERT INTO "Admin" ("id", "username", "passwordHash") VALUES ('a1', 'ada', 'x'), ('a2', 'bob', 'y');
    INSERT INTO "ApiToken" ("id", "name", "prefix", "tokenHash", "createdById") VALUES
      ('t1', 'ci', 'dpk_aaaa', 'h1', 'a1'), ('t2', 'ci', 'dpk_bbbb', 'h2', NULL);`);
  db.close();
  applyMigrations({ databasePath, migrationsDir: realMigrations });
  assert.deepEqual(query(databasePath, `SELECT "username", "role" FROM "Admin" ORDER BY "username"`), [
    { username: "ada", role: "admin" },
    { username: "bob", role: "admin" },
  ]);
  // Names were not unique before: both tokens stay, each an admin's, with no expiry.
  assert.deepEqual(
    query(databasePath, `SELECT "id", "scope", "expiresAt", "createdById" FROM "ApiToken" ORDER BY "id"`),
    [
      { id: "t1", scope: "admin", expiresAt: null, createdById: "a1" },
      { id: "t2", scope: "admin", expiresAt: null, createdById: null },
    ],
  );
});
