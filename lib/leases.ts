import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db } from "@/lib/db";

/** This process, as a lease names its holder. */
export const LEASE_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Takes the named lease for `ms`, or extends it when this process holds it already. True when this
 * process holds it now. With several processes on one database exactly one holds a lease at a
 * time: taking it is one conditional UPDATE (free, expired or ours), or the INSERT of a new row,
 * which the primary key lets only one process win.
 */
export async function takeLease(name: string, ms: number, now = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ms);
  const taken = await db.lease.updateMany({
    where: { name, OR: [{ holder: LEASE_HOLDER }, { expiresAt: { lte: now } }] },
    data: { holder: LEASE_HOLDER, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await db.lease.create({ data: { name, holder: LEASE_HOLDER, expiresAt } });
    return true;
  } catch {
    // The row exists and is another process's, unexpired (or another process has just created it).
    return false;
  }
}

/** Gives the lease up at once when this process holds it, so another may take it without waiting. */
export async function releaseLease(name: string): Promise<void> {
  await db.lease.updateMany({ where: { name, holder: LEASE_HOLDER }, data: { expiresAt: new Date(0) } });
}
