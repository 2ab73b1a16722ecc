import "server-only";
import { db } from "@/lib/db";

// Per account: 5 failures in 15 minutes lock it for 15 minutes. Per client address: 20.
const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;
const LIMITS = { user: 5, ip: 20 } as const;

export type ThrottleKey = `user:${string}` | `ip:${string}`;

export function throttleKeys(username: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [`user:${username.toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** When any key is locked, the time the lock ends; otherwise null. */
export async function lockedUntil(keys: ThrottleKey[], now = new Date()): Promise<Date | null> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } } });
  if (rows.length === 0) return null;
  return new Date(Math.max(...rows.map((r) => r.lockedUntil?.getTime() ?? 0)));
}

export async function recordFailure(keys: ThrottleKey[], now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const key of keys) {
      const row = await tx.loginThrottle.findUnique({ where: { key } });
      const fresh = !row || now.getTime() - row.windowStart.getTime() > WINDOW_MS;
      const failures = fresh ? 1 : row.failures + 1;
      const limit = key.startsWith("user:") ? LIMITS.user : LIMITS.ip;
      const lock = failures >= limit ? new Date(now.getTime() + LOCK_MS) : (row?.lockedUntil ?? null);
      const data = { failures, windowStart: fresh ? now : row.windowStart, lockedUntil: lock };
      await tx.loginThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
    }
  });
}

/** A successful sign-in clears the account's counter (not the address's: one good password
 * must not reset a guessing run against other accounts). */
export async function clearFailures(key: ThrottleKey): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}
