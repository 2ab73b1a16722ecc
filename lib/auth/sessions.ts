import "server-only";
import type { Role } from "@/lib/auth/roles";
import { hashSecret, newSecret } from "@/lib/auth/tokens";
import { db } from "@/lib/db";

/** A session ends after 12 idle hours, and after 7 days whatever happens. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
// lastSeenAt is written at most this often, so a page view is not always a write.
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface SessionAdmin {
  id: string;
  username: string;
  role: Role;
  sessionId: string;
}

export async function createSession(
  adminId: string,
  meta: { ip?: string | null; userAgent?: string | null } = {},
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
  await db.session.create({
    data: {
      id: hashSecret(token),
      adminId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 200) ?? null,
    },
  });
  return { token, expiresAt };
}

/** The admin behind a session token, or null when it is unknown, idle too long or past its end. */
export async function findSessionAdmin(token: string, now = new Date()): Promise<SessionAdmin | null> {
  if (!token || token.length > 100) return null;
  const id = hashSecret(token);
  const session = await db.session.findUnique({
    where: { id },
    select: {
      id: true,
      expiresAt: true,
      lastSeenAt: true,
      admin: { select: { id: true, username: true, role: true } },
    },
  });
  if (!session) return null;
  const idle = now.getTime() - session.lastSeenAt.getTime();
  if (session.expiresAt <= now || idle > SESSION_IDLE_MS) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (idle > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { id }, data: { lastSeenAt: now } });
  }
  return { id: session.admin.id, username: session.admin.username, role: session.admin.role as Role, sessionId: id };
}

export async function deleteSession(token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashSecret(token) } });
}

export async function deleteExpiredSessions(now = new Date()): Promise<number> {
  const idleCutoff = new Date(now.getTime() - SESSION_IDLE_MS);
  const { count } = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lt: idleCutoff } }] },
  });
  return count;
}
