import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { ZipArchive } from "archiver";
import Database from "better-sqlite3";
import {
  createDatabase,
  findPostgresBin,
  POSTGRES_MISSING,
  type PostgresCluster,
  startPostgres,
  TEST_POSTGRES_ENV,
} from "@/lib/test-support/postgres";
import {
  catalogTables,
  type DatabaseAt,
  dumpTables,
  fillEveryTable,
  schemaTables,
} from "@/lib/test-support/table-rows";
import { prepareTempDataDir, repoRoot, testDatabase } from "@/lib/test-support/temp-data-dir";
import { collect } from "@/lib/test-support/zip";
import { readZipEntries } from "@/lib/zip-read";

// Backup and restore through the real bin on the database this pass runs on (SQLite, then PostgreSQL on the
// runner's second pass), and across to the other kind: the zip is the same on both, which is also how an
// installation moves from SQLite to PostgreSQL.

const env = await prepareTempDataDir();
const root = mkdtempSync(path.join(tmpdir(), "dockpki-backup-db-"));
const PASSWORD = "correct horse battery";
const file = (name: string) => path.join(root, name);

/** An installation as the CLI sees it: its environment and where its database is. */
interface Site {
  kind: "sqlite" | "postgresql";
  env: Record<string, string | undefined>;
  at: DatabaseAt;
}

const home: Site = {
  kind: testDatabase,
  env: {
    DOCKPKI_DATA_DIR: env.dir,
    DATABASE_URL: env.databaseUrl ?? undefined,
    DOCKPKI_MASTER_KEY: process.env.DOCKPKI_MASTER_KEY,
  },
  at: env.databaseUrl ? { postgres: env.databaseUrl } : { sqlite: env.databasePath },
};
const otherKind = testDatabase === "sqlite" ? "postgresql" : "sqlite";
const postgresMissing = !process.env[TEST_POSTGRES_ENV] && !findPostgresBin();
let cluster: PostgresCluster | undefined;

/** A new, empty installation: a data dir, and on PostgreSQL a new database (in the runner's cluster, or our own). */
async function newSite(kind: Site["kind"], keyEnv: Record<string, string> = {}): Promise<Site> {
  const dir = mkdtempSync(path.join(root, `${kind}-`));
  if (kind === "sqlite")
    return { kind, env: { DOCKPKI_DATA_DIR: dir, ...keyEnv }, at: { sqlite: path.join(dir, "dockpki.db") } };
  cluster ??= process.env[TEST_POSTGRES_ENV] ? undefined : await startPostgres();
  const url = await createDatabase(process.env[TEST_POSTGRES_ENV] ?? (cluster as PostgresCluster).url, "restore");
  // Nothing on PostgreSQL needs the data dir unless a key file is to be written there: it does not exist yet.
  return {
    kind,
    env: { DOCKPKI_DATA_DIR: path.join(dir, "data"), DATABASE_URL: url, ...keyEnv },
    at: { postgres: url },
  };
}

const SITE_ENV = [
  "DATABASE_URL",
  "DOCKPKI_DATA_DIR",
  "DOCKPKI_MASTER_KEY",
  "DOCKPKI_MASTER_KEY_FILE",
  TEST_POSTGRES_ENV,
];

function dockpki(
  site: Site,
  args: string[],
  input = "",
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SITE_ENV) delete childEnv[name];
  for (const [name, value] of Object.entries(site.env)) if (value !== undefined) childEnv[name] = value;
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/dockpki.mjs"), ...args], {
    cwd: root,
    env: childEnv,
  });
  child.stdin.end(input);
  let [stdout, stderr] = ["", ""];
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

async function ok(site: Site, args: string[], input = "") {
  const r = await dockpki(site, args, input);
  assert.equal(r.status, 0, `dockpki ${args.join(" ")} failed on ${site.kind}:\n${r.stdout}${r.stderr}`);
  return r;
}

const withEnv = (site: Site, extra: Record<string, string | undefined>): Site => ({
  ...site,
  env: { ...site.env, ...extra },
});
const auditIds = (dump: Record<string, Record<string, unknown>[]>) => dump.AuditEvent.map((e) => e.id as number);
const zipEntry = async (zip: string, name: string) => (await readZipEntries(readFileSync(zip))).get(name)?.data;

let dump0: Awaited<ReturnType<typeof dumpTables>>;

before(async () => {
  await ok(home, ["admin", "create", "--username", "alice", "--password-stdin"], PASSWORD);
  await ok(home, ["ca", "create", "--cn", "Backup Test CA"]);
  // There is no CLI for the inventory: add it through the domain functions, then let go of the database.
  const { createHost } = await import("@/lib/inventory/hosts");
  const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
  const { createClient } = await import("@/lib/inventory/clients");
  const { db } = await import("@/lib/db");
  await createHost({ kind: "cli" }, hostCreateSchema.parse({ name: "docker1", dnsNames: ["docker1.example.com"] }));
  await createClient({ kind: "cli" }, { name: "laptop", kind: "person", notes: "" });
  await db.$disconnect();
  await Promise.all([ok(home, ["issue", "host", "docker1"]), ok(home, ["issue", "client", "laptop"])]);
  await Promise.all([ok(home, ["backup", file("full.zip")]), ok(home, ["backup", "--without-key", file("nokey.zip")])]);
  dump0 = await dumpTables(home.at);
});

after(() => {
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
  env.cleanup();
});

test(`${testDatabase}: backup, change, restore --force brings every row back; refusals change nothing`, async () => {
  const manifest = JSON.parse(String(await zipEntry(file("full.zip"), "manifest.json")));
  const sqliteMigrations = readdirSync(path.join(repoRoot, "prisma", "migrations"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  assert.deepEqual(manifest.migrations, sqliteMigrations, "the zip's database is a SQLite one on either database");
  assert.equal(dump0.Certificate.length, 2);

  await Promise.all([
    ok(home, ["issue", "client", "laptop"]),
    ok(home, ["admin", "create", "--username", "bob", "--password-stdin"], PASSWORD),
  ]);
  const changed = await dumpTables(home.at);
  assert.notDeepEqual(changed, dump0);

  const otherKey = randomBytes(32).toString("base64");
  const [unforced, wrongKey, wrongKeyNoKey] = await Promise.all([
    dockpki(home, ["restore", file("full.zip")]),
    dockpki(withEnv(home, { DOCKPKI_MASTER_KEY: otherKey }), ["restore", file("full.zip"), "--force"]),
    dockpki(withEnv(home, { DOCKPKI_MASTER_KEY: otherKey }), ["restore", file("nokey.zip"), "--force"]),
  ]);
  assert.equal(unforced.status, 1);
  assert.match(
    unforced.stderr,
    testDatabase === "postgresql"
      ? /already holds dockpki data \(2 account\(s\), 1 CA\(s\), 1 host\(s\), 1 client\(s\), 3 certificate\(s\)\)\. Stop every dockpki instance that uses it .*--force/
      : /already has a database\. Stop the dashboard first/,
  );
  assert.equal(wrongKey.status, 1);
  assert.match(
    wrongKey.stderr,
    /DOCKPKI_MASTER_KEY (holds|is set to) another key than the one in the backup.*Nothing was changed\./,
  );
  assert.equal(wrongKeyNoKey.status, 1);
  assert.match(wrongKeyNoKey.stderr, /DOCKPKI_MASTER_KEY does not match the backup's database.*Nothing was changed\./);
  assert.deepEqual(await dumpTables(home.at), changed);

  const restored = await ok(home, ["restore", file("full.zip"), "--force"]);
  assert.match(
    restored.stdout,
    testDatabase === "postgresql"
      ? /^Restored .*full\.zip \(dockpki .*\) into the PostgreSQL database .*: \d+ row\(s\) in \d+ table\(s\): .*Certificate 2/m
      : /^Restored .*full\.zip .* into /m,
  );
  assert.deepEqual(await dumpTables(home.at), dump0);

  // The key check passes and the CA's key opens: issuing works; its audit events come after the restored ones.
  await ok(home, ["issue", "client", "laptop"]);
  const after = await dumpTables(home.at);
  const fresh = after.AuditEvent.filter((e) => !auditIds(dump0).includes(e.id as number));
  assert.ok(
    fresh.some((e) => e.action === "cert.issue"),
    JSON.stringify(fresh),
  );
  for (const event of fresh) assert.ok((event.id as number) > Math.max(...auditIds(dump0)));
});

test(`${testDatabase} -> ${otherKind} -> ${testDatabase}: the same zip moves an installation, key and all`, async (t) => {
  if (postgresMissing) return t.skip(POSTGRES_MISSING);
  // No key configured: the restore writes the backup's where the instances will look for it.
  const keyDir = mkdtempSync(path.join(root, "keys-"));
  const there = await newSite(
    otherKind,
    otherKind === "postgresql" ? { DOCKPKI_MASTER_KEY_FILE: path.join(keyDir, "shared", "master.key") } : {},
  );
  const keyFile = there.env.DOCKPKI_MASTER_KEY_FILE ?? path.join(there.env.DOCKPKI_DATA_DIR as string, "master.key");
  const moved = await ok(there, ["restore", file("full.zip")]);
  assert.match(moved.stdout, new RegExp(`Master key written to ${keyFile.replaceAll(".", "\\.")} \\(mode 0600\\)`));
  if (otherKind === "postgresql")
    assert.match(moved.stdout, /Every instance that uses this database needs this same key/);
  assert.deepEqual(readFileSync(keyFile), await zipEntry(file("full.zip"), "master.key"));
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.deepEqual(await catalogTables(there.at), schemaTables());
  assert.deepEqual(await dumpTables(there.at), dump0);

  // A fresh database's id sequence starts at 1: new audit events must still come after the restored ones.
  const issued = await ok(there, ["issue", "client", "laptop", "--out", file("laptop-there.zip")]);
  assert.match(String(await zipEntry(file("laptop-there.zip"), "laptop/key.pem")), /BEGIN (EC |RSA )?PRIVATE KEY/);
  assert.match(issued.stdout, /serial:/);
  const thereDump = await dumpTables(there.at);
  const newIds = auditIds(thereDump).filter((id) => !auditIds(dump0).includes(id));
  assert.ok(newIds.length > 0 && Math.min(...newIds) > Math.max(...auditIds(dump0)), `${newIds}`);

  // On PostgreSQL the key is shared, so a configured key file that differs is refused rather than replaced.
  const otherKeyFile = path.join(keyDir, "other.key");
  writeFileSync(otherKeyFile, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  const [backedUp, unforced, otherKey] = await Promise.all([
    ok(there, ["backup", file("there.zip")]),
    dockpki(there, ["restore", file("full.zip")]),
    otherKind === "postgresql"
      ? dockpki(withEnv(there, { DOCKPKI_MASTER_KEY_FILE: otherKeyFile }), ["restore", file("full.zip"), "--force"])
      : null,
  ]);
  assert.equal(unforced.status, 1);
  if (otherKind === "postgresql") {
    assert.match(backedUp.stdout, /From one consistent snapshot of the PostgreSQL database/);
    assert.equal(existsSync(there.env.DOCKPKI_DATA_DIR as string), false, "no data dir was needed, nor made");
    assert.match(unforced.stderr, /already holds dockpki data .*Stop every dockpki instance/);
    assert.equal(otherKey?.status, 1);
    assert.match(
      otherKey?.stderr ?? "",
      /The key file .*other\.key holds another key than the one in the backup.*Nothing was changed\./,
    );
  }
  assert.deepEqual(await dumpTables(there.at), thereDump);
  const back = await newSite(testDatabase);
  await ok(back, ["restore", file("there.zip")]);
  assert.deepEqual(await dumpTables(back.at), thereDump);
  await ok(back, ["admin", "create", "--username", "dave", "--password-stdin"], PASSWORD);
  const backIds = auditIds(await dumpTables(back.at)).filter((id) => !auditIds(thereDump).includes(id));
  assert.ok(backIds.length > 0 && Math.min(...backIds) > Math.max(...auditIds(thereDump)), `${backIds}`);
});

test("every table, every column, across pages: SQLite and PostgreSQL copy each other's rows exactly", async (t) => {
  if (postgresMissing) return t.skip(POSTGRES_MISSING);
  const keyEnv = { DOCKPKI_MASTER_KEY: randomBytes(32).toString("base64") };
  const source = await newSite(testDatabase, keyEnv);
  await ok(source, ["admin", "create", "--username", "alice", "--password-stdin"], PASSWORD);
  // The database's own tables, not only the schema's models: a table the copy skipped would show here.
  assert.deepEqual(await catalogTables(source.at), schemaTables());
  await fillEveryTable(source.at);
  const filled = await dumpTables(source.at);
  for (const table of schemaTables()) assert.ok(filled[table].length > 0, `${table} has a row to copy`);

  await ok(source, ["backup", file("filled.zip")]);
  const there = await newSite(otherKind, keyEnv);
  await ok(there, ["restore", file("filled.zip")]);
  assert.deepEqual(await dumpTables(there.at), filled);
  await ok(there, ["backup", file("filled-there.zip")]);
  const back = await newSite(testDatabase, keyEnv);
  await ok(back, ["restore", file("filled-there.zip")]);
  assert.deepEqual(await dumpTables(back.at), filled);
});

/** The zip with its database changed by `edit` and the manifest's checksums made to match: a valid backup. */
async function editedBackup(from: string, to: string, edit: (sqlite: Database.Database) => void): Promise<void> {
  const entries = await readZipEntries(readFileSync(from));
  const scratch = mkdtempSync(path.join(root, "edit-"));
  const dbFile = path.join(scratch, "dockpki.db");
  writeFileSync(dbFile, entries.get("dockpki.db")?.data as Buffer);
  const sqlite = new Database(dbFile);
  edit(sqlite);
  sqlite.close();
  const manifest = JSON.parse(String(entries.get("manifest.json")?.data));
  const files = new Map([
    ["dockpki.db", readFileSync(dbFile)],
    ["master.key", entries.get("master.key")?.data as Buffer],
  ]);
  for (const [name, data] of files) {
    manifest.files[name] = { sha256: createHash("sha256").update(data).digest("hex"), size: data.length };
  }
  const zip = new ZipArchive({ zlib: { level: 1 } });
  zip.append(JSON.stringify(manifest), { name: "manifest.json" });
  for (const [name, data] of files) zip.append(data, { name });
  zip.finalize();
  writeFileSync(to, await collect(zip));
}

test("a restore into PostgreSQL that fails part-way rolls back: the database and the key files stay as they were", async (t) => {
  if (postgresMissing) return t.skip(POSTGRES_MISSING);
  let target = home;
  if (testDatabase !== "postgresql") {
    target = await newSite("postgresql", { DOCKPKI_MASTER_KEY: home.env.DOCKPKI_MASTER_KEY as string });
    await ok(target, ["restore", file("full.zip")]);
  }
  // SQLite stores a NUL character in text; PostgreSQL refuses it, after the tables were emptied.
  await editedBackup(file("full.zip"), file("nul.zip"), (sqlite) => {
    sqlite.prepare("UPDATE Client SET notes = 'before' || char(0) || 'after'").run();
  });
  const keyFile = path.join(root, "nul-keys", "master.key");
  const before = await dumpTables(target.at);
  const failed = await dockpki(withEnv(target, { DOCKPKI_MASTER_KEY: undefined, DOCKPKI_MASTER_KEY_FILE: keyFile }), [
    "restore",
    file("nul.zip"),
    "--force",
  ]);
  assert.equal(failed.status, 1);
  assert.match(
    failed.stderr,
    /could not be written into the PostgreSQL database .* rolled back and nothing was changed: .+/,
  );
  assert.doesNotMatch(failed.stderr, /at .*\.ts:\d+/, "a sentence, not a stack trace");
  assert.deepEqual(await dumpTables(target.at), before);
  assert.equal(existsSync(keyFile), false, "the key file written for the restore is taken back");
});
