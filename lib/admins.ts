import "server-only";
import type { AdminCreateInput } from "@/lib/admins.schema";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { hashPassword } from "@/lib/auth/password";
import { type Role, scopeWithin, type TokenScope } from "@/lib/auth/roles";
import { clearAccountThrottle } from "@/lib/auth/throttle";
import { db, type Tx } from "@/lib/db";
import { ConflictError, InputError, NotFoundError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

export async function countAdmins(): Promise<number> {
  return db.admin.count();
}

const ADMIN_FIELDS = { id: true, username: true, role: true, createdAt: true, lastLoginAt: true } as const;

export async function getAdmin(id: string) {
  const admin = await db.admin.findUnique({ where: { id }, select: ADMIN_FIELDS });
  if (!admin) throw new NotFoundError("That admin does not exist.");
  return { ...admin, role: admin.role as Role };
}

export async function listAdmins() {
  const admins = await db.admin.findMany({ select: ADMIN_FIELDS, orderBy: { username: "asc" } });
  return admins.map((a) => ({ ...a, role: a.role as Role }));
}

async function insertAdmin(actor: Principal, input: AdminCreateInput, onlyIfFirst: boolean) {
  const passwordHash = await hashPassword(input.password);
  // The first account can do everything: someone has to be able to add the others.
  const role = onlyIfFirst ? "admin" : (input.role ?? "admin");
  return db.$transaction(async (tx) => {
    // Written first and checked after (the transaction undoes it): a write takes SQLite's lock at
    // once, where a read first could deadlock with another process doing the same.
    const admin = await tx.admin
      .create({
        data: { username: input.username, passwordHash, role },
        select: { id: true, username: true, role: true },
      })
      .catch((err) => {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
          throw InputError.forField("username", `The username ${input.username} is taken.`);
        }
        throw err;
      });
    if (onlyIfFirst && (await tx.admin.count()) > 1) {
      throw new ConflictError("An admin already exists. Sign in instead.");
    }
    await recordAudit(tx, { actor, action: "admin.create", target: admin.username, detail: { role } });
    return admin;
  });
}

/** First run: creates the first admin, and refuses once one exists. */
export function createFirstAdmin(input: AdminCreateInput) {
  return insertAdmin({ kind: "system" }, input, true);
}

export async function createAdmin(actor: Principal, input: AdminCreateInput) {
  authorize(actor, "admins");
  return insertAdmin(actor, input, false);
}

/** Someone must always be able to manage the rest: the last admin-role account stays one. */
async function assertAnotherAdminRemains(tx: Tx, id: string, doing: string): Promise<void> {
  const others = await tx.admin.count({ where: { role: "admin", id: { not: id } } });
  if (others === 0)
    throw new ConflictError(`dockpki needs at least one admin: give another the admin role before ${doing}.`);
}

/**
 * Changes an admin's role. Their sessions follow at once (roles are read on every request); a token's
 * power is its own scope, so the live tokens they made that the new role does not cover are revoked.
 */
export async function setAdminRole(actor: Principal, id: string, role: Role): Promise<{ revokedTokens: string[] }> {
  authorize(actor, "admins");
  return db.$transaction(async (tx) => {
    const admin = await tx.admin.findUnique({ where: { id }, select: { username: true, role: true } });
    if (!admin) throw new NotFoundError("That admin does not exist.");
    if (admin.role === role) return { revokedTokens: [] };
    if (admin.role === "admin") await assertAnotherAdminRemains(tx, id, `making ${admin.username} ${role}`);
    await tx.admin.update({ where: { id }, data: { role } });
    const now = new Date();
    const live = await tx.apiToken.findMany({
      where: { createdById: id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      select: { id: true, name: true, scope: true },
      orderBy: { name: "asc" },
    });
    const beyond = live.filter((t) => !scopeWithin(t.scope as TokenScope, role));
    if (beyond.length > 0) {
      await tx.apiToken.updateMany({
        where: { id: { in: beyond.map((t) => t.id) }, revokedAt: null },
        data: { revokedAt: now },
      });
    }
    const revokedTokens = beyond.map((t) => t.name);
    await recordAudit(tx, {
      actor,
      action: "admin.role",
      target: admin.username,
      detail: { role, previous: admin.role, ...(revokedTokens.length > 0 ? { revokedTokens } : {}) },
    });
    return { revokedTokens };
  });
}

/** Removes an admin with everything that acts as them: sessions end, their API tokens are revoked. */
export async function deleteAdmin(actor: Principal, id: string): Promise<{ username: string }> {
  authorize(actor, "admins");
  return db.$transaction(async (tx) => {
    const admin = await tx.admin.findUnique({ where: { id }, select: { username: true } });
    if (!admin) throw new NotFoundError("That admin does not exist.");
    if ((await tx.admin.count()) <= 1) {
      throw new ConflictError("dockpki needs at least one admin: add another before removing this one.");
    }
    await assertAnotherAdminRemains(tx, id, `removing ${admin.username}`);
    // Revoked before the delete, which would otherwise only unlink them (createdById SetNull).
    const { count: tokensRevoked } = await tx.apiToken.updateMany({
      where: { createdById: id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await tx.admin.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "admin.delete", target: admin.username, detail: { tokensRevoked } });
    return { username: admin.username };
  });
}

export async function setAdminPassword(actor: Principal, username: string, password: string): Promise<void> {
  authorize(actor, "admins");
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const admin = await tx.admin.findUnique({ where: { username }, select: { id: true } });
    if (!admin) throw new NotFoundError(`There is no admin called ${username}.`);
    await tx.admin.update({ where: { id: admin.id }, data: { passwordHash } });
    // A new password ends every session that the old one opened.
    await tx.session.deleteMany({ where: { adminId: admin.id } });
    await recordAudit(tx, { actor, action: "admin.password", target: username });
  });
  await clearAccountThrottle(username);
}
