// Offline access to Prisma's schema engine: the Wasm build from @prisma/schema-engine-wasm, driven through the
// better-sqlite3 driver adapter, or the pg one for the PostgreSQL history. The `prisma migrate` CLI needs a native
// engine that cannot be downloaded here.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import * as runtime from "@prisma/schema-engine-wasm/schema_engine_bg";

export const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

type Runtime = typeof runtime & { __wbg_set_wasm(exports: WebAssembly.Exports): void };
let wasmReady = false;

// The package's entry imports the .wasm file as an ES module, which Node 20 only allows behind a flag, so
// instantiate the binary by hand against the generated JS glue, as Prisma's own loader does.
function loadWasm(): void {
  if (wasmReady) return;
  const glue = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(glue), "schema_engine_bg.wasm");
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": runtime as WebAssembly.ModuleImports });
  (runtime as Runtime).__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  wasmReady = true;
}

// The engine replays each migration.sql on the shadow database as one executeRaw call; better-sqlite3 only
// prepares single statements, so hand multi-statement scripts to executeScript instead.
function acceptScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!(error instanceof RangeError) || !/more than one statement/.test(error.message)) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

// The engine expects an empty shadow database each time it connects to one (it replays the whole history there more
// than once per command), so every connection gets a new file.
function sqliteFactory(databasePath: string, shadowDir: string, opened: SqlDriverAdapter[]) {
  const main = new PrismaBetterSqlite3({ url: `file:${databasePath}` });
  let shadows = 0;
  const track = (adapter: SqlDriverAdapter) => {
    opened.push(adapter);
    return acceptScripts(adapter);
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => track(await main.connect()),
    connectToShadowDb: async () => {
      const shadowPath = path.join(shadowDir, `shadow-${++shadows}.db`);
      return track(await new PrismaBetterSqlite3({ url: `file:${shadowPath}` }).connect());
    },
  };
  return factory;
}

export type Schema = { path: string; content: string };

// The pg factory makes its shadow databases from its pool config with another database name; given a connection
// string, that string would win and the "shadow" would be the main database. So hand it the parts.
function postgresFactory(url: string, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const parsed = new URL(url);
  const config = {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password) || undefined,
    database: decodeURIComponent(parsed.pathname.slice(1)),
  };
  const main = new PrismaPg(config);
  const track = <A extends SqlDriverAdapter>(adapter: A) => {
    opened.push(adapter);
    return readCharAsText(adapter);
  };
  // The adapter's own shadow drops the database before closing its pool, which PostgreSQL refuses: close first.
  const connectToShadowDb = async () => {
    const database = `dockpki_shadow_${randomUUID().replaceAll("-", "")}`;
    const admin = await main.connect();
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...config, database }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.dispose();
    };
    return track(shadow);
  };
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => track(await main.connect()),
    connectToShadowDb,
  };
}

// The engine reads PostgreSQL's catalogs, whose flags (relkind, contype...) have the one-byte type "char", which the
// pg adapter does not map (its queries fail with UnsupportedNativeDataType). pg hands those values over as strings
// anyway, so report the columns as text.
type PgIO = { performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
const PG_CHAR = 18;
const PG_TEXT = 25;
function readCharAsText<A extends object>(queryable: A): A {
  const io = queryable as unknown as PgIO;
  const performIO = io.performIO.bind(queryable);
  io.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
    return result;
  };
  const withTx = queryable as unknown as { startTransaction?: (...args: unknown[]) => Promise<object> };
  const start = withTx.startTransaction?.bind(queryable);
  if (start) withTx.startTransaction = async (...args) => readCharAsText(await start(...args));
  return queryable;
}

/**
 * Runs `use` with the Wasm schema engine on a SQLite database file (shadow databases go to shadowDir) or on a
 * PostgreSQL database (shadow databases are made beside it), then frees the engine and closes its connections: the
 * engine holds an exclusive lock on a SQLite database until then.
 */
export async function withSchemaEngine<T>(
  opts: { schema: Schema; log?: (message: string) => void } & (
    | { databasePath: string; shadowDir: string }
    | { postgresUrl: string }
  ),
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  loadWasm();
  const opened: SqlDriverAdapter[] = [];
  const factory = bindMigrationAwareSqlAdapterFactory(
    "postgresUrl" in opts
      ? postgresFactory(opts.postgresUrl, opened)
      : sqliteFactory(opts.databasePath, opts.shadowDir, opened),
  );
  const datamodels: [string, string][] = [[opts.schema.path, opts.schema.content]];
  const engine = await runtime.SchemaEngine.new({ datamodels }, opts.log ?? (() => {}), factory);
  try {
    return await use(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => {})));
  }
}

/** Reads a migrations directory in the shape the engine expects (the same as `prisma migrate` builds it). */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const lockPath = "migration_lock.toml";
  const lockContent = await readFile(path.join(migrationsDir, lockPath), "utf8").catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    folders.map(async (folder) => ({
      path: folder,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(migrationsDir, folder, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        ),
      },
    })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockPath, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}
