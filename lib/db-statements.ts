import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type Database from "better-sqlite3";
import { eachConnection } from "@/lib/db-connections";

// Prisma's better-sqlite3 adapter prepares every statement anew (`client.prepare(sql).bind(args)`),
// and SQLite parses and plans it each time: about a tenth of a millisecond for one of Prisma's
// SELECTs with all their columns, on the event loop, some twenty times per bundle issued and
// downloaded. Prisma writes the same SQL text for the same query shape, so the prepared statements
// are kept here by their text (the most recently used STATEMENTS of them). better-sqlite3 binds a
// statement's parameters once for good, so the adapter is handed a statement bound by passing the
// parameters to each call instead. Statements run synchronously to completion (run, all): one
// prepared statement is never in use twice at a time. The adapter also asks every statement for its
// columns (names and declared types) on each call; they are fixed once it is prepared (Prisma names
// every column it reads, and the schema changes only by a migration, before the server starts), so
// they are read once as well.

const STATEMENTS = 200;

type Params = unknown[];

interface Kept {
  statement: Database.Statement;
  columns?: Database.ColumnDefinition[];
}

/** What the adapter calls on `prepare(sql).bind(args)`: the statement's own methods, with the args. */
function bound(kept: Kept, params: Params) {
  const { statement } = kept;
  return {
    get reader() {
      return statement.reader;
    },
    columns: () => {
      kept.columns ??= statement.columns();
      return kept.columns;
    },
    run: () => statement.run(params),
    raw: () => ({ all: () => statement.raw(true).all(params) }),
  };
}

function cachePrepared(client: Database.Database): void {
  const prepare = client.prepare.bind(client);
  const kept = new Map<string, Kept>();
  const cachedPrepare = (sql: string) => {
    let entry = kept.get(sql);
    if (entry) kept.delete(sql);
    else {
      entry = { statement: prepare(sql) };
      if (kept.size >= STATEMENTS) kept.delete(kept.keys().next().value as string);
    }
    kept.set(sql, entry);
    const prepared = entry;
    // `prepare("BEGIN").run()`: without parameters, the statement is run as it is
    return { ...bound(prepared, []), bind: (params: Params) => bound(prepared, params) };
  };
  (client as unknown as { prepare: typeof cachedPrepare }).prepare = cachedPrepare;
}

/** The SQLite adapter factory, with every connection it makes keeping its prepared statements. */
export function statementCachingAdapter<F extends SqlDriverAdapterFactory>(factory: F): F {
  return eachConnection(factory, (adapter) => {
    const client = (adapter as unknown as { client?: Database.Database }).client;
    // The adapter's shape is Prisma's, not a public API: without the client where expected, no cache.
    if (client && typeof client.prepare === "function") cachePrepared(client);
    return adapter;
  });
}
