import "server-only";
import type { AdminCreateInput } from "@/lib/admins.schema";
import { type Principal, recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { clearAccountThrottle } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { ConflictError, InputError, NotFoundError } from "@/lib/errors";

export async function countAdmins(): Promise<number> {
  return db.admin.count();
}

const ADMIN_FIELDS = { id: true, username: true, createdAt: true, lastLoginAt: true } as const;

export async function getAdmin(id: string) {
  const admin = await db.admin.findUnique({ where: { id }, select: ADMIN_FIELDS });
  if (!admin) throw new NotFoundError("That admin does not exist.");
  return admin;
}

export async function listAdmins() {
  return db.admin.findMany({
    select: ADMIN_FIELDS,
    orderBy: { username: "asc" },
  });
}

async function insertAdmin(actor: Principal, input: AdminCreateInput, onlyIfFirst: boolean) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    if (onlyIfFirst && (await tx.admin.count()) > 0) {
      throw new ConflictError("An admin already exists. Sign in instead.");
    }
    if (await tx.admin.findUnique({ where: { username: input.username }, select: { id: true } })) {
      throw InputError.forField("username", `The username ${input.username} is taken.`);
    }
    const admin = await tx.admin.create({
      data: { username: input.username, passwordHash },
      select: { id: true, username: true },
    });
    await recordAudit(tx, { actor, action: "admin.create", target: admin.username });
    return admin;
  });
}

/** First run: creates the first admin, and refuses once one exists. */
export function createFirstAdmin(input: AdminCreateInput) {
  return insertAdmin({ kind: "system" }, input, true);
}

export function createAdmin(actor: Principal, input: AdminCreateInput) {
  return insertAdmin(actor, input, false);
}

/** Removes an admin with everything that acts as them: sessions end, their API tokens are revoked. */
export async function deleteAdmin(actor: Principal, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const admin = await tx.admin.findUnique({ where: { id }, select: { username: true } });
    if (!admin) throw new NotFoundError("That admin does not exist.");
    if ((await tx.admin.count()) <= 1) {
      throw new ConflictError("dockpki needs at least one admin: add another before removing this one.");
    }
    // Revoked before the delete, which would otherwise only unlink them (createdById SetNull).
    const { count: tokensRevoked } = await tx.apiToken.updateMany({
      where: { createdById: id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await tx.admin.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "admin.delete", target: admin.username, detail: { tokensRevoked } });
  });
}

export async function setAdminPassword(actor: Principal, username: string, password: string): Promise<void> {
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
