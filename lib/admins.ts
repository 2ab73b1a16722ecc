import "server-only";
import type { AdminCreateInput } from "@/lib/admins.schema";
import { type Principal, recordAudit } from "@/lib/audit";
import { dummyPasswordHash, hashPassword, verifyPassword } from "@/lib/auth/password";
import { clearFailures, lockedUntil, recordFailure, throttleKeys } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { ConflictError, InputError, NotFoundError } from "@/lib/errors";

export async function countAdmins(): Promise<number> {
  return db.admin.count();
}

export async function listAdmins() {
  return db.admin.findMany({
    select: { id: true, username: true, createdAt: true, lastLoginAt: true },
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

export async function deleteAdmin(actor: Principal, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const admin = await tx.admin.findUnique({ where: { id }, select: { username: true } });
    if (!admin) throw new NotFoundError("That admin does not exist.");
    if ((await tx.admin.count()) <= 1) {
      throw new ConflictError("dockpki needs at least one admin: add another before removing this one.");
    }
    await tx.admin.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "admin.delete", target: admin.username });
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
}

export type SignInResult = { ok: true; admin: { id: string; username: string } } | { ok: false; message: string };

/** Checks a password, with throttling per account and per client address. */
export async function signIn(username: string, password: string, ip: string | null): Promise<SignInResult> {
  const keys = throttleKeys(username, ip);
  const until = await lockedUntil(keys);
  if (until) {
    const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    await recordAudit(db, { actor: `user:${username}`, action: "auth.login_throttled", ip });
    return {
      ok: false,
      message: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    };
  }
  const admin = await db.admin.findUnique({
    where: { username },
    select: { id: true, username: true, passwordHash: true },
  });
  const valid = await verifyPassword(password, admin?.passwordHash ?? (await dummyPasswordHash()));
  if (!admin || !valid) {
    await recordFailure(keys);
    await recordAudit(db, { actor: `user:${username}`, action: "auth.login_failed", ip });
    return { ok: false, message: "Unknown username or wrong password." };
  }
  await clearFailures(keys[0]);
  await db.admin.update({ where: { id: admin.id }, data: { lastLoginAt: new Date() } });
  await recordAudit(db, { actor: { kind: "admin", id: admin.id, username: admin.username }, action: "auth.login", ip });
  return { ok: true, admin: { id: admin.id, username: admin.username } };
}
