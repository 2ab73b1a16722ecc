import "server-only";
import { recordAudit } from "@/lib/audit";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { releaseAttempt, reserveAttempt, takeSlot, throttleAddress } from "@/lib/auth/throttle";
import { db } from "@/lib/db";

const MINUTE = 60_000;
/** Sign-in from an address the account used within this long spares the per-account back-off. */
const KNOWN_FOR_MS = 90 * 24 * 60 * MINUTE;
/** Failed sign-ins are audited one row each up to this many per window, over every account and address. */
const ANONYMOUS_AUDIT = { limit: 300, windowMs: 15 * MINUTE };

export type SignInResult = { ok: true; admin: { id: string; username: string } } | { ok: false; message: string };

/** A typed username as it may be stored and shown: no control or format characters, bounded. */
export function cleanUsername(typed: string): string {
  return typed.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "").slice(0, 64);
}

async function isKnownAddress(adminId: string, ip: string | null, now: Date): Promise<boolean> {
  if (!ip) return false;
  const row = await db.knownAddress.findUnique({
    where: { adminId_address: { adminId, address: throttleAddress(ip) } },
    select: { lastSeenAt: true },
  });
  return !!row && now.getTime() - row.lastSeenAt.getTime() < KNOWN_FOR_MS;
}

/**
 * Audit rows written for someone who is not signed in. Past the limit the attempts are still
 * counted and refused as before, but only one row says that the rest are not logged one by one.
 */
export async function recordAnonymousAudit(
  action: string,
  username: string,
  ip: string | null,
  now: Date,
): Promise<void> {
  const { attempts, endsAt } = await takeSlot("audit:anonymous", ANONYMOUS_AUDIT.windowMs, now);
  if (attempts <= ANONYMOUS_AUDIT.limit) {
    await recordAudit(db, { actor: `user:${username}`, action, ip });
  } else if (attempts === ANONYMOUS_AUDIT.limit + 1) {
    await recordAudit(db, {
      actor: "system",
      action: "auth.audit_limited",
      detail: { limit: ANONYMOUS_AUDIT.limit, until: endsAt.toISOString() },
    });
  }
}

function waitMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / MINUTE));
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * Checks a password. The attempt takes its throttle slots first (lib/auth/throttle.ts), so a burst
 * of parallel guesses gets no more judged than the limits allow.
 */
export async function signIn(
  typedUsername: string,
  password: string,
  ip: string | null,
  now = new Date(),
): Promise<SignInResult> {
  const username = cleanUsername(typedUsername);
  const admin = await db.admin.findUnique({
    where: { username },
    select: { id: true, username: true, passwordHash: true },
  });
  const known = admin ? await isKnownAddress(admin.id, ip, now) : false;
  const reservation = await reserveAttempt(username.toLowerCase(), ip, known, now);
  if (reservation.refused) {
    if (reservation.refused.first) await recordAnonymousAudit("auth.login_throttled", username, ip, now);
    return { ok: false, message: waitMessage(reservation.refused.until, now) };
  }
  const valid = await verifyPassword(password, admin?.passwordHash ?? (await dummyPasswordHash()));
  if (!admin || !valid) {
    await recordAnonymousAudit("auth.login_failed", username, ip, now);
    return { ok: false, message: "Unknown username or wrong password." };
  }
  await releaseAttempt(reservation);
  await db.$transaction(async (tx) => {
    await tx.admin.update({ where: { id: admin.id }, data: { lastLoginAt: now } });
    if (ip) {
      const address = throttleAddress(ip);
      await tx.knownAddress.upsert({
        where: { adminId_address: { adminId: admin.id, address } },
        create: { adminId: admin.id, address, lastSeenAt: now },
        update: { lastSeenAt: now },
      });
    }
    await recordAudit(tx, {
      actor: `admin:${admin.username}`,
      action: "auth.login",
      ip,
    });
  });
  return { ok: true, admin: { id: admin.id, username: admin.username } };
}

/** Known addresses not used for KNOWN_FOR_MS no longer spare anyone; the maintenance task prunes them. */
export async function pruneKnownAddresses(now = new Date()): Promise<number> {
  const { count } = await db.knownAddress.deleteMany({
    where: { lastSeenAt: { lt: new Date(now.getTime() - KNOWN_FOR_MS) } },
  });
  return count;
}
