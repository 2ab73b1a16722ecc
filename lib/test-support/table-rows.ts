import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { delegateName, openPostgresClient, openSqliteClient, PAGE_SIZE, readTableShapes } from "@/lib/cli/table-copy";
import { Prisma } from "@/lib/generated/prisma/client";
import { applyMigrations } from "@/lib/migrate";
import { repoRoot } from "@/lib/test-support/temp-data-dir";

// Whole-database views for backup and restore tests, each through a client of its own (a restore replaces the
// SQLite file under any client that stays open).

/** A dockpki database: a SQLite file, or a PostgreSQL URL. */
export type DatabaseAt = { sqlite: string } | { postgres: string };

type Row = Record<string, unknown>;
type Delegate = {
  findMany(): Promise<Row[]>;
  create(args: { data: Row }): Promise<Row>;
  createMany(args: { data: Row[] }): Promise<unknown>;
};
type AnyClient = Record<string, Delegate> & { $disconnect(): Promise<void> };

async function withClient<T>(at: DatabaseAt, use: (client: AnyClient) => Promise<T>): Promise<T> {
  const client = ("sqlite" in at
    ? openSqliteClient(at.sqlite)
    : openPostgresClient(at.postgres)) as unknown as AnyClient;
  try {
    return await use(client);
  } finally {
    await client.$disconnect();
  }
}

const plain = (value: unknown) =>
  value instanceof Uint8Array
    ? `bytes:${Buffer.from(value).toString("base64")}`
    : value instanceof Date
      ? `date:${value.toISOString()}`
      : value;

/** The schema's models, read here rather than from the code under test. */
export const schemaTables = (): string[] => Object.values(Prisma.ModelName).sort();

/** Every row of every dockpki table, in a form deepEqual compares across SQLite and PostgreSQL. */
export async function dumpTables(at: DatabaseAt): Promise<Record<string, Row[]>> {
  return withClient(at, async (client) => {
    const dump: Record<string, Row[]> = {};
    for (const table of schemaTables()) {
      const rows = (await client[delegateName(table)].findMany()).map((row) =>
        Object.fromEntries(Object.entries(row).map(([column, value]) => [column, plain(value)])),
      );
      dump[table] = rows
        .map((row) => JSON.stringify(row))
        .sort()
        .map((text) => JSON.parse(text));
    }
    return dump;
  });
}

/** The tables the database itself has, whatever the Prisma schema says (without `_prisma_migrations`). */
export async function catalogTables(at: DatabaseAt): Promise<string[]> {
  let names: string[];
  if ("sqlite" in at) {
    const sqlite = new Database(at.sqlite, { readonly: true, fileMustExist: true });
    try {
      names = (
        sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
          name: string;
        }[]
      ).map((r) => r.name);
    } finally {
      sqlite.close();
    }
  } else {
    const client = new pg.Client({ connectionString: at.postgres });
    await client.connect();
    try {
      names = (
        await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
      ).rows.map((r) => r.tablename);
    } finally {
      await client.end();
    }
  }
  return names.filter((name) => name !== "_prisma_migrations").sort();
}

/** The column types and foreign keys of the current schema, read from a SQLite file migrated for the purpose. */
function readSchema() {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-schema-"));
  const file = path.join(dir, "schema.db");
  try {
    applyMigrations({ databasePath: file, migrationsDir: path.join(repoRoot, "prisma", "migrations") });
    const sqlite = new Database(file, { readonly: true });
    try {
      return readTableShapes(file).map((shape) => ({
        ...shape,
        columns: sqlite.pragma(`table_info("${shape.model}")`) as { name: string; type: string }[],
        foreignKeys: sqlite.pragma(`foreign_key_list("${shape.model}")`) as {
          table: string;
          from: string;
          to: string;
        }[],
      }));
    } finally {
      sqlite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Adds to every dockpki table one row with every column set (nullable ones too), of every type the schema uses,
 * with text beyond ASCII and bytes that include zeros; then more than a page of KnownAddress rows (a two-column
 * key) over two admins and more than two pages of AuditEvent rows. Returns how many rows it added per table.
 */
export async function fillEveryTable(at: DatabaseAt): Promise<Record<string, number>> {
  const when = new Date(Date.UTC(2027, 0, 2, 3, 4, 5, 678));
  const added: Record<string, number> = {};
  await withClient(at, async (client) => {
    const made = new Map<string, Row>();
    for (const shape of readSchema()) {
      const row: Row = {};
      shape.columns.forEach((column, i) => {
        const fk = shape.foreignKeys.find((k) => k.from === column.name);
        if (fk) row[column.name] = made.get(fk.table)?.[fk.to];
        else if (column.type === "TEXT")
          row[column.name] = `${shape.model}.${column.name} é ✓ 'x' ${randomBytes(4).toString("hex")}`;
        else if (column.type === "INTEGER") row[column.name] = 4242 + i;
        else if (column.type === "DATETIME") row[column.name] = new Date(when.getTime() + i * 1000);
        else if (column.type === "BOOLEAN") row[column.name] = i % 2 === 0;
        else if (column.type === "BLOB") row[column.name] = Uint8Array.from([0, 1, 0, 255, ...randomBytes(12)]);
        else
          throw new Error(
            `fillEveryTable does not know the column type ${column.type} (${shape.model}.${column.name})`,
          );
      });
      made.set(shape.model, await client[shape.delegate].create({ data: row }));
      added[shape.model] = 1;
    }
    const admins = (await client.admin.findMany()).map((admin) => admin.id as string);
    if (admins.length < 2) throw new Error("fillEveryTable needs a second admin in the database to spread keys over.");
    const addresses = Array.from({ length: PAGE_SIZE + 7 }, (_, i) => ({
      adminId: admins[i % 2],
      address: `2001:db8::${i.toString(16)}`,
      lastSeenAt: when,
    }));
    await client.knownAddress.createMany({ data: addresses });
    added.KnownAddress += addresses.length;
    const events = Array.from({ length: 2 * PAGE_SIZE + 3 }, (_, i) => ({
      at: when,
      actor: "test",
      action: "test.fill",
      target: `${i}`,
    }));
    await client.auditEvent.createMany({ data: events });
    added.AuditEvent += events.length;
  });
  return added;
}
