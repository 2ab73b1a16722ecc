import "server-only";
import { bearerTokenSchema, type TokenScope } from "@/lib/api-tokens.schema";
import { type Principal, recordAudit } from "@/lib/audit";
import { hashSecret, newSecret } from "@/lib/auth/tokens";
import { db } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";

const TOKEN_PREFIX = "dpk_";
// lastUsedAt is written at most once a minute per token.
const TOUCH_INTERVAL_MS = 60_000;

/** Creates a token. The secret is returned once and only its hash is stored. */
export async function createApiToken(actor: Principal, name: string, scope: TokenScope = "admin") {
  const token = TOKEN_PREFIX + newSecret();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name,
        prefix: token.slice(0, 10),
        tokenHash: hashSecret(token),
        scope,
        createdById: actor.kind === "admin" ? actor.id : null,
      },
      select: { id: true, name: true, prefix: true, scope: true },
    });
    await recordAudit(tx, { actor, action: "token.create", target: name, detail: { scope } });
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
      revokedAt: true,
      createdBy: { select: { username: true } },
    },
    orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }],
  });
}

/** Revokes by id, or by name (the CLI's way); every live token of that name is revoked. */
export async function revokeApiToken(actor: Principal, by: { id: string } | { name: string }): Promise<number> {
  return db.$transaction(async (tx) => {
    const where = { ...by, revokedAt: null };
    const tokens = await tx.apiToken.findMany({ where, select: { name: true } });
    if (tokens.length === 0) throw new NotFoundError("No active token matches.");
    await tx.apiToken.updateMany({ where, data: { revokedAt: new Date() } });
    await recordAudit(tx, { actor, action: "token.revoke", target: tokens[0].name, detail: { count: tokens.length } });
    return tokens.length;
  });
}

export type BearerResult = { ok: true; principal: Principal } | { ok: false; message: string };

/** Checks an Authorization header value; the token's scope must be one of `accept` (a metrics
 * token opens /metrics and nothing else). */
export async function authenticateBearer(
  header: string | null,
  accept: readonly TokenScope[] = ["admin"],
): Promise<BearerResult> {
  if (!header) return { ok: false, message: "Send an API token: Authorization: Bearer <token>." };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match || !bearerTokenSchema.safeParse(match[1]).success) {
    return { ok: false, message: "The Authorization header is not a dockpki bearer token." };
  }
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashSecret(match[1]) },
    select: { id: true, name: true, revokedAt: true, lastUsedAt: true, scope: true },
  });
  if (!row || row.revokedAt) return { ok: false, message: "This API token is unknown or revoked." };
  if (!(accept as readonly string[]).includes(row.scope)) {
    return { ok: false, message: `This token's scope is ${row.scope}: it cannot be used here.` };
  }
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { ok: true, principal: { kind: "token", id: row.id, name: row.name } };
}
