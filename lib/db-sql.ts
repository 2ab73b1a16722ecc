import "server-only";
import { onPostgres, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// The few statements whose SQL differs between SQLite and PostgreSQL, written once here.

/** A subquery yielding each string of a JSON array parameter: one parameter however many values. */
export function jsonArrayElements(json: string): Prisma.Sql {
  return onPostgres()
    ? Prisma.sql`SELECT jsonb_array_elements_text(${json}::jsonb)`
    : Prisma.sql`SELECT "value" FROM json_each(${json})`;
}

const LOCKABLE = new Set(["Host", "Client", "CertificateAuthority", "Job"]);

/**
 * Locks one row until the transaction ends, so concurrent transactions on the same row take turns (PostgreSQL:
 * SELECT ... FOR UPDATE; a second instance waits here, then reads what the first committed). SQLite needs nothing:
 * it runs one write transaction at a time, and dockpki's client serializes its own. True when the row exists.
 */
export async function lockRow(tx: Tx, table: "Host" | "Client" | "CertificateAuthority" | "Job", id: string) {
  if (!LOCKABLE.has(table)) throw new Error(`lockRow: ${table} is not lockable`);
  if (!onPostgres()) return true;
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT "id" FROM ${Prisma.raw(`"${table}"`)} WHERE "id" = ${id} FOR UPDATE`;
  return rows.length === 1;
}

/** After a row-picking subquery: PostgreSQL passes over rows another transaction holds; SQLite has no such clause. */
export function skipLocked(): Prisma.Sql {
  return onPostgres() ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
}
