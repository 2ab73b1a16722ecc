import "server-only";
import { PASSWORD_IS_USERNAME, passwordRepeatsUsername } from "@/lib/admins.schema";
import { type Principal, recordAudit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { SESSION_IDLE_MS } from "@/lib/auth/sessions";
import { takeSlot } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { InputError, NotFoundError, TooManyRequestsError } from "@/lib/errors";

type Me = Extract<Principal, { kind: "admin" }>;

// Guessing the current password through a stolen session is throttled like sign-in.
const CHANGE_WINDOW_MS = 15 * 60 * 1000;
const CHANGE_ATTEMPTS = 5;

/**
 * An admin changes their own password: the current one is required, and every other session of
 * theirs ends (the one in use stays, so they are not signed out by their own change).
 */
export async function changeOwnPassword(
  me: Me,
  input: { current: string; password: string },
  keepSessionId: string | null,
  now = new Date(),
): Promise<{ endedSessions: number }> {
  const slot = await takeSlot(`password:${me.id}`, CHANGE_WINDOW_MS, now);
  if (slot.attempts > CHANGE_ATTEMPTS) {
    const wait = Math.ceil((slot.endsAt.getTime() - now.getTime()) / 1000);
    throw new TooManyRequestsError(`Too many attempts; try again in ${Math.ceil(wait / 60)} minutes.`, wait);
  }
  const admin = await db.admin.findUnique({ where: { id: me.id }, select: { username: true, passwordHash: true } });
  if (!admin) throw new NotFoundError("Your account no longer exists.");
  if (!(await verifyPassword(input.current, admin.passwordHash))) {
    throw InputError.forField("current", "That is not your current password.");
  }
  if (passwordRepeatsUsername(input.password, admin.username))
    throw InputError.forField("password", PASSWORD_IS_USERNAME);
  if (input.password === input.current) {
    throw InputError.forField("password", "The new password is the current one; choose another.");
  }
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    await tx.admin.update({ where: { id: me.id }, data: { passwordHash } });
    const { count } = await tx.session.deleteMany({
      where: { adminId: me.id, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    });
    await recordAudit(tx, {
      actor: me,
      action: "admin.password",
      target: admin.username,
      detail: { endedSessions: count },
    });
    return { endedSessions: count };
  });
}

/** Sessions are named by a short reference, never by their id (a hash of the cookie). */
function sessionRef(id: string): string {
  return id.slice(0, 16);
}

/** The admin's live sessions, newest first, the current one marked. */
export async function listOwnSessions(adminId: string, currentSessionId: string | null, now = new Date()) {
  const rows = await db.session.findMany({
    where: { adminId, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - SESSION_IDLE_MS) } },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true },
    orderBy: { lastSeenAt: "desc" },
  });
  return rows.map(({ id, ...row }) => ({ ...row, ref: sessionRef(id), current: id === currentSessionId }));
}

/** Ends one of the admin's own sessions by reference, or all but the current one. */
export async function endOwnSessions(me: Me, which: { ref: string } | { allBut: string | null }): Promise<number> {
  return db.$transaction(async (tx) => {
    const mine = await tx.session.findMany({ where: { adminId: me.id }, select: { id: true } });
    const ids = mine
      .map((s) => s.id)
      .filter((id) => ("ref" in which ? sessionRef(id) === which.ref : id !== which.allBut));
    if ("ref" in which && ids.length === 0) throw new NotFoundError("That session has already ended.");
    const { count } = await tx.session.deleteMany({ where: { adminId: me.id, id: { in: ids } } });
    if (count > 0) await recordAudit(tx, { actor: me, action: "session.end", target: me.username, detail: { count } });
    return count;
  });
}
