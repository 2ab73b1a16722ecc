import "server-only";
import { bearerTokenSchema, type TokenCreateInput } from "@/lib/api-tokens.schema";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { type Role, scopeWithin, type TokenScope } from "@/lib/auth/roles";
import { hashSecret, newSecret } from "@/lib/auth/tokens";
import { formatDateTime } from "@/lib/dates";
import { db } from "@/lib/db";
import { ConflictError, InputError, NotFoundError } from "@/lib/errors";

const TOKEN_PREFIX = "dpk_";
// lastUsedAt is written at most once a minute per token.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Creates a token. The secret is returned once and only its hash is stored. Names are unique among
 * live tokens, so `token revoke --name` means exactly one.
 */
export async function createApiToken(actor: Principal, input: TokenCreateInput) {
  authorize(actor, "tokens");
  const token = TOKEN_PREFIX + newSecret();
  const row = await db.$transaction(async (tx) => {
    // Written first and checked after (the transaction undoes it): a write takes SQLite's lock at
    // once, where a read first could deadlock with another process doing the same.
    const created = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix: token.slice(0, 10),
        tokenHash: hashSecret(token),
        scope: input.scope,
        expiresAt: input.expires,
        createdById: actor.kind === "admin" ? actor.id : null,
      },
      select: { id: true, name: true, prefix: true, scope: true, expiresAt: true },
    });
    if ((await tx.apiToken.count({ where: { name: input.name, revokedAt: null } })) > 1) {
      throw InputError.forField("name", `A token called ${input.name} exists; choose another name or revoke it first.`);
    }
    await recordAudit(tx, {
      actor,
      action: "token.create",
      target: input.name,
      detail: { scope: input.scope, ...(input.expires ? { expiresAt: input.expires.toISOString() } : {}) },
    });
    return created;
  });
  return { ...row, token };
}

export async function listApiTokens() {
  return db.apiToken.findMany({
    select: {
      id: true,
      name: true,
      prefix: true,
      scope: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      createdBy: { select: { username: true } },
    },
    orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }],
  });
}

/** Revokes one live token, by id or by name (the CLI's way). */
export async function revokeApiToken(
  actor: Principal,
  by: { id: string } | { name: string },
): Promise<{ name: string }> {
  authorize(actor, "tokens");
  return db.$transaction(async (tx) => {
    const tokens = await tx.apiToken.findMany({ where: { ...by, revokedAt: null }, select: { id: true, name: true } });
    if (tokens.length === 0) throw new NotFoundError("No active token matches.");
    // Names were not unique before roles came: such a pair is told apart by id.
    if (tokens.length > 1) {
      throw new ConflictError(
        `${tokens.length} active tokens are called ${tokens[0].name}; revoke one by id (dockpki token list shows them).`,
      );
    }
    await tx.apiToken.update({ where: { id: tokens[0].id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { actor, action: "token.revoke", target: tokens[0].name });
    return { name: tokens[0].name };
  });
}

export type BearerResult = { ok: true; principal: Principal } | { ok: false; message: string };

/** Checks an Authorization header value: a live, unexpired token. What it may do is its scope's. */
export async function authenticateBearer(header: string | null, now = new Date()): Promise<BearerResult> {
  if (!header) return { ok: false, message: "Send an API token: Authorization: Bearer <token>." };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match || !bearerTokenSchema.safeParse(match[1]).success) {
    return { ok: false, message: "The Authorization header is not a dockpki bearer token." };
  }
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashSecret(match[1]) },
    select: {
      id: true,
      name: true,
      revokedAt: true,
      lastUsedAt: true,
      expiresAt: true,
      scope: true,
      createdBy: { select: { username: true, role: true } },
    },
  });
  if (!row || row.revokedAt) return { ok: false, message: "This API token is unknown or revoked." };
  if (row.expiresAt && row.expiresAt <= now) {
    return { ok: false, message: `This API token expired on ${formatDateTime(row.expiresAt)}.` };
  }
  // A token never does more than the admin who made it may do now. A role change revokes the
  // tokens beyond the new role; this also holds for one made while the change was committing.
  const creator = row.createdBy;
  if (creator && !scopeWithin(row.scope as TokenScope, creator.role as Role)) {
    return {
      ok: false,
      message: `This API token's ${row.scope} scope goes beyond the ${creator.role} role of ${creator.username}, who made it; ask an admin for a new token.`,
    };
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { ok: true, principal: { kind: "token", id: row.id, name: row.name, scope: row.scope as TokenScope } };
}
