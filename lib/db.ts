import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { databasePath } from "@/lib/config";
import { likeEscapingAdapter } from "@/lib/db-like";
import { PrismaClient } from "@/lib/generated/prisma/client";

const globalForPrisma = globalThis as unknown as { dockpkiPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = likeEscapingAdapter(new PrismaBetterSqlite3({ url: `file:${databasePath()}`, timeout: 10_000 }));
  return new PrismaClient({ adapter });
}

/** The one Prisma client. Kept on globalThis so dev-mode reloads do not open a new connection each time. */
export const db: PrismaClient = globalForPrisma.dockpkiPrisma ?? createClient();
globalForPrisma.dockpkiPrisma = db;

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
