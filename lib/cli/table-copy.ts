import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import { postgresUrl } from "@/lib/config";
import { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-pg/client";

// A backup's database is always a SQLite file. On PostgreSQL, backup and restore copy every dockpki table between
// that file and the database through the two generated Prisma clients, which convert dates, bytes and booleans each
// way. The tables are the schema's models, so a new model is copied without a change here; their keys and foreign
// keys are read from the SQLite file, which is at the current schema when the copy runs.

/** One table as the copy sees it: its client delegate, the key it is paged by, the tables its foreign keys name. */
export interface TableShape {
  model: string;
  delegate: string;
  primaryKey: string[];
  parents: string[];
}

type Row = Record<string, unknown>;
interface Delegate {
  findMany(args: object): Promise<Row[]>;
  createMany(args: { data: Row[] }): Promise<{ count: number }>;
}

/** Rows read and written at a time (Prisma splits an insert into statements within the database's bound-value limit). */
export const PAGE_SIZE = 1000;

/** A transaction may take this long before Prisma aborts it: a large database takes minutes, not Prisma's 5 s. */
export const COPY_TIMEOUT_MS = 60 * 60_000;

/** Every dockpki table (one per model; `_prisma_migrations` is not one). */
export const dockpkiTables = (): string[] => Object.values(Prisma.ModelName);

/** The client's property for a model: `certificateAuthority` for CertificateAuthority. */
export const delegateName = (model: string) => model.charAt(0).toLowerCase() + model.slice(1);

/** The shape of every table of the SQLite database at `sqlitePath`, parents before the tables that refer to them. */
export function readTableShapes(sqlitePath: string): TableShape[] {
  const sqlite = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return parentsFirst(
      dockpkiTables().map((model) => {
        const columns = sqlite.pragma(`table_info("${model}")`) as { name: string; pk: number }[];
        if (columns.length === 0) throw new Error(`The database has no table ${model}.`);
        const primaryKey = columns
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name);
        if (primaryKey.length === 0) throw new Error(`The table ${model} has no primary key to copy it by.`);
        const foreignKeys = sqlite.pragma(`foreign_key_list("${model}")`) as { table: string }[];
        return {
          model,
          delegate: delegateName(model),
          primaryKey,
          parents: [...new Set(foreignKeys.map((fk) => fk.table))],
        };
      }),
    );
  } finally {
    sqlite.close();
  }
}

function parentsFirst(shapes: TableShape[]): TableShape[] {
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  while (ordered.length < shapes.length) {
    const ready = shapes.filter((s) => !placed.has(s.model) && s.parents.every((p) => placed.has(p)));
    if (ready.length === 0) {
      const rest = shapes.filter((s) => !placed.has(s.model)).map((s) => s.model);
      throw new Error(
        `The foreign keys of ${rest.join(", ")} form a cycle: their rows cannot be copied table by table.`,
      );
    }
    for (const shape of ready) {
      ordered.push(shape);
      placed.add(shape.model);
    }
  }
  return ordered;
}

function delegateOf(client: object, shape: TableShape): Delegate {
  const delegate = (client as Record<string, Delegate | undefined>)[shape.delegate];
  if (!delegate) throw new Error(`The Prisma client has no model ${shape.model}.`);
  return delegate;
}

/** Rows whose key comes after `row`'s in key order: (a > A) or (a = A and b > B) ... */
function after(row: Row, key: string[]): Row {
  return {
    OR: key.map((column, i) => ({
      ...Object.fromEntries(key.slice(0, i).map((k) => [k, row[k]])),
      [column]: { gt: row[column] },
    })),
  };
}

/**
 * Copies every row of each table from one client (or transaction) to another, a page at a time in key order;
 * returns how many rows each table had.
 */
export async function copyTables(from: object, to: object, shapes: TableShape[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const shape of shapes) {
    const [source, target] = [delegateOf(from, shape), delegateOf(to, shape)];
    const orderBy = shape.primaryKey.map((column) => ({ [column]: "asc" }));
    let copied = 0;
    for (let last: Row | undefined; ; ) {
      const rows = await source.findMany({ where: last && after(last, shape.primaryKey), orderBy, take: PAGE_SIZE });
      if (rows.length > 0) await target.createMany({ data: rows });
      copied += rows.length;
      if (rows.length < PAGE_SIZE) break;
      last = rows[rows.length - 1];
    }
    counts.set(shape.model, copied);
  }
  return counts;
}

/** A client of its own on a SQLite file (the backup's), apart from the dashboard's database. */
export function openSqliteClient(file: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }) });
}

/** A client of its own on DATABASE_URL, with one connection: a copy runs in one transaction. */
export function openPostgresClient(url = postgresUrl()): PostgresPrismaClient {
  return new PostgresPrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 }),
  });
}

/** "Admin 2, Certificate 14, ...": the tables that had rows, for messages. */
export function describeCounts(counts: Map<string, number>): string {
  const filled = [...counts].filter(([, n]) => n > 0);
  const total = filled.reduce((sum, [, n]) => sum + n, 0);
  return `${total} row(s) in ${filled.length} table(s): ${filled.map(([table, n]) => `${table} ${n}`).join(", ")}`;
}
