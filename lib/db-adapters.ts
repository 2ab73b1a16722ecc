import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { exclusiveTransactions } from "@/lib/db-exclusive";
import { likeEscapingAdapter } from "@/lib/db-like";
import { statementCachingAdapter } from "@/lib/db-statements";

// The driver adapters behind the Prisma client, in one place for lib/db.ts and for the test and
// bench code that makes its own client (lib/test-support/query-log.ts), so both send the same SQL.

/** SQLite: LIKE escaped, one transaction at a time on the connection, prepared statements kept. */
export function sqliteAdapter(databasePath: string) {
  return likeEscapingAdapter(
    exclusiveTransactions(
      statementCachingAdapter(new PrismaBetterSqlite3({ url: `file:${databasePath}`, timeout: 10_000 })),
    ),
  );
}

/**
 * PostgreSQL: LIKE escaped (as ILIKE); a pool of connections, so transactions need nothing more.
 * The driver (pg and Prisma's adapter for it, 70 ms to load) is loaded when the client first
 * connects, so that a process on SQLite (every CLI command there) never loads it.
 */
export function postgresAdapter(
  connectionString: string,
  pool: { max?: number; connectionTimeoutMillis?: number } = {},
) {
  const factory: SqlDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString, ...pool }).connect();
    },
  };
  return likeEscapingAdapter(factory);
}
