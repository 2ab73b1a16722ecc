import "server-only";
import { databasePath, databaseProvider, postgresUrl } from "@/lib/config";
import { postgresAdapter, sqliteAdapter } from "@/lib/db-adapters";
import { transactionScoped } from "@/lib/db-exclusive";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-pg/client";

const globalForPrisma = globalThis as unknown as { dockpkiPrisma?: PrismaClient };

/** Connections each instance keeps to PostgreSQL at most (DOCKPKI_DB_POOL, default 10). */
export function postgresPoolSize(): number {
  const size = Number(process.env.DOCKPKI_DB_POOL || 10);
  if (!Number.isInteger(size) || size < 1 || size > 500) {
    throw new Error("DOCKPKI_DB_POOL must be a whole number of connections between 1 and 500.");
  }
  return size;
}

function createClient(): PrismaClient {
  if (databaseProvider() === "postgresql") {
    const adapter = postgresAdapter(postgresUrl(), { max: postgresPoolSize(), connectionTimeoutMillis: 10_000 });
    // Two generated clients of one schema: the same models, fields and methods, another SQL dialect. The SQLite
    // client's types describe both (lib/migrate.test.ts checks the schemas differ in the provider only).
    return new PostgresPrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as PrismaClient;
  }
  return transactionScoped(
    new PrismaClient({ adapter: sqliteAdapter(databasePath()), transactionOptions: TRANSACTION_OPTIONS }),
  );
}

// Under load a transaction waits its turn: on PostgreSQL for a pooled connection, then for a row another
// instance holds (a holder's issuance, a CA's CRL); on SQLite behind this process's other transactions, which
// the adapter runs one at a time, and for another process's write lock (up to the 10 s busy timeout above).
// Prisma's defaults (2 s to start, 5 s to finish) would fail it.
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

/** The one Prisma client. Kept on globalThis so dev-mode reloads do not open a new connection each time. */
export const db: PrismaClient = globalForPrisma.dockpkiPrisma ?? createClient();
globalForPrisma.dockpkiPrisma = db;

/** Whether the database is PostgreSQL, for the few statements whose SQL differs (row locks, SKIP LOCKED). */
export const onPostgres = (): boolean => databaseProvider() === "postgresql";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
