import "server-only";
import { randomUUID } from "node:crypto";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { seal, unseal } from "@/lib/crypto/seal";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AlertChannelInput } from "@/lib/monitoring/alert-channel.schema";
import type { ChannelTarget, SmtpConfig } from "@/lib/monitoring/alert-send";

// A channel's secrets are sealed one by one, each bound to the channel and to what it is, so a
// sealed secret moved to another row or field does not open.
const sealedAs = (id: string, field: "url" | "secret" | "smtp-password") => `alert-channel:${id}:${field}`;

/** What a channel stores in the clear about its SMTP server: everything but the password. */
type SmtpPublic = Omit<SmtpConfig, "password">;

const CHANNEL_FIELDS = {
  id: true,
  type: true,
  name: true,
  enabled: true,
  urlHint: true,
  secretSealed: true,
  smtp: true,
  smtpPasswordSealed: true,
  createdAt: true,
  lastAttemptAt: true,
  lastSuccessAt: true,
  lastError: true,
} as const;

type ChannelRow = Prisma.AlertChannelGetPayload<{ select: typeof CHANNEL_FIELDS }>;

/** A channel as the API and the settings page show it: no URL path, secret or password, only whether one is set. */
function toChannel(row: ChannelRow) {
  const smtp = row.smtp ? (JSON.parse(row.smtp) as SmtpPublic) : null;
  return {
    id: row.id,
    type: row.type as ChannelTarget["type"],
    name: row.name,
    enabled: row.enabled,
    url: row.urlHint || null,
    signed: row.secretSealed !== null,
    smtp: smtp ? { ...smtp, passwordSet: row.smtpPasswordSealed !== null } : null,
    createdAt: row.createdAt,
    lastAttemptAt: row.lastAttemptAt,
    lastSuccessAt: row.lastSuccessAt,
    lastError: row.lastError,
  };
}

export type AlertChannel = ReturnType<typeof toChannel>;

/** The part of a URL that may be shown: scheme, host and port. A webhook's path may be its credential. */
function urlHint(url: string): string {
  return new URL(url).origin;
}

export async function createAlertChannel(actor: Principal, input: AlertChannelInput): Promise<AlertChannel> {
  authorize(actor, "settings");
  const id = randomUUID();
  const smtp = input.type === "email" && input.smtp ? input.smtp : null;
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.alertChannel.create({
        data: {
          id,
          type: input.type,
          name: input.name,
          enabled: input.enabled,
          urlSealed: input.url ? seal(input.url, sealedAs(id, "url")) : null,
          urlHint: input.url ? urlHint(input.url) : "",
          secretSealed: input.secret ? seal(input.secret, sealedAs(id, "secret")) : null,
          smtp: smtp
            ? JSON.stringify({
                host: smtp.host,
                port: smtp.port,
                security: smtp.security,
                user: smtp.user ?? null,
                from: smtp.from,
                to: smtp.to,
              } satisfies SmtpPublic)
            : null,
          smtpPasswordSealed: smtp?.password ? seal(smtp.password, sealedAs(id, "smtp-password")) : null,
        },
        select: CHANNEL_FIELDS,
      });
      await recordAudit(tx, {
        actor,
        action: "alert-channel.create",
        target: row.name,
        detail: { id, type: row.type, url: row.urlHint || undefined, signed: !!input.secret, enabled: row.enabled },
      });
      return toChannel(row);
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ConflictError(`An alert channel named ${input.name} already exists.`);
    }
    throw err;
  }
}

export async function listAlertChannels(): Promise<AlertChannel[]> {
  const rows = await db.alertChannel.findMany({ select: CHANNEL_FIELDS, orderBy: { createdAt: "asc" } });
  return rows.map(toChannel);
}

export async function getAlertChannel(id: string): Promise<AlertChannel> {
  const row = await db.alertChannel.findUnique({ where: { id }, select: CHANNEL_FIELDS });
  if (!row) throw new NotFoundError("No such alert channel.");
  return toChannel(row);
}

/** Turns a channel on or off; alerts recorded while it is off are not queued for it. */
export async function setAlertChannelEnabled(actor: Principal, id: string, enabled: boolean): Promise<AlertChannel> {
  authorize(actor, "settings");
  return db.$transaction(async (tx) => {
    const found = await tx.alertChannel.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new NotFoundError("No such alert channel.");
    const row = await tx.alertChannel.update({ where: { id }, data: { enabled }, select: CHANNEL_FIELDS });
    // What waits for a channel that is turned off is dropped: turning it on later must not send stale alerts.
    if (!enabled) await tx.alertDelivery.deleteMany({ where: { channelId: id, status: "pending" } });
    await recordAudit(tx, { actor, action: "alert-channel.update", target: row.name, detail: { id, enabled } });
    return toChannel(row);
  });
}

export async function deleteAlertChannel(actor: Principal, id: string): Promise<{ name: string }> {
  authorize(actor, "settings");
  return db.$transaction(async (tx) => {
    const row = await tx.alertChannel.findUnique({ where: { id }, select: { name: true, type: true } });
    if (!row) throw new NotFoundError("No such alert channel.");
    await tx.alertChannel.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "alert-channel.delete", target: row.name, detail: { id, type: row.type } });
    return { name: row.name };
  });
}

/** Where and how to send, secrets unsealed: for the sender only, never for a page or a log. */
export async function loadChannelTarget(id: string): Promise<ChannelTarget> {
  const row = await db.alertChannel.findUnique({
    where: { id },
    select: { id: true, type: true, urlSealed: true, secretSealed: true, smtp: true, smtpPasswordSealed: true },
  });
  if (!row) throw new NotFoundError("No such alert channel.");
  if (row.type === "email") {
    const smtp = JSON.parse(row.smtp ?? "{}") as SmtpPublic;
    const password = row.smtpPasswordSealed ? unseal(row.smtpPasswordSealed, sealedAs(id, "smtp-password")) : null;
    return { type: "email", smtp: { ...smtp, password } };
  }
  const url = unseal(row.urlSealed ?? new Uint8Array(), sealedAs(id, "url"));
  if (row.type === "slack") return { type: "slack", url };
  return { type: "webhook", url, secret: row.secretSealed ? unseal(row.secretSealed, sealedAs(id, "secret")) : null };
}

/** Per channel: alerts waiting for a retry, given up on, and the next attempt (the settings page). */
export async function deliveryBacklog() {
  const [waiting, failed, next] = await Promise.all([
    db.alertDelivery.groupBy({ by: ["channelId"], where: { status: "pending", attempts: { gt: 0 } }, _count: true }),
    db.alertDelivery.groupBy({ by: ["channelId"], where: { status: "failed" }, _count: true }),
    db.alertDelivery.groupBy({
      by: ["channelId"],
      where: { status: "pending" },
      _min: { nextAttemptAt: true },
      _max: { attempts: true },
    }),
  ]);
  const byChannel = new Map<
    string,
    { retrying: number; failed: number; nextAttemptAt: Date | null; attempts: number }
  >();
  const entry = (id: string) => {
    const found = byChannel.get(id) ?? { retrying: 0, failed: 0, nextAttemptAt: null, attempts: 0 };
    byChannel.set(id, found);
    return found;
  };
  for (const w of waiting) entry(w.channelId).retrying = w._count;
  for (const f of failed) entry(f.channelId).failed = f._count;
  for (const n of next) {
    if ((n._max.attempts ?? 0) === 0) continue;
    entry(n.channelId).nextAttemptAt = n._min.nextAttemptAt;
    entry(n.channelId).attempts = n._max.attempts ?? 0;
  }
  return byChannel;
}
