import "server-only";
import { randomUUID } from "node:crypto";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { db } from "@/lib/db";
import { ConflictError, describeError } from "@/lib/errors";
import { releaseLease, takeLease } from "@/lib/leases";
import type { Alert } from "@/lib/monitoring/alert";
import { getAlertChannel, loadChannelTarget } from "@/lib/monitoring/alert-channels";
import { type AlertCandidate, findAlertCandidates } from "@/lib/monitoring/alert-check";
import { type SendResult, sendAlerts } from "@/lib/monitoring/alert-send";
import { getSettings } from "@/lib/settings";

/** Minutes before each retry of a failed send; after the last, dockpki gives up on those alerts. */
export const RETRY_MINUTES = [1, 5, 15, 60, 180, 360] as const;
export const MAX_ATTEMPTS = RETRY_MINUTES.length + 1;
/** At most this many alerts in one message: a first run over a large fleet sends several. */
const PER_MESSAGE = 100;
const RUN_LEASE = "alerts:run";
const RUN_LEASE_MS = 5 * 60_000;
const KEY_CHUNK = 500;

/**
 * Records the candidates not recorded before (by key), each queued for every enabled channel, in
 * one transaction. Answers the alerts that are new.
 */
export async function recordAlerts(candidates: AlertCandidate[], now = new Date()): Promise<Alert[]> {
  if (candidates.length === 0) return [];
  return db.$transaction(async (tx) => {
    // A write first, so SQLite's write lock is held before the keys are read (see lib/certificates/certificates.ts).
    await tx.alertEvent.deleteMany({ where: { key: "" } });
    const known = new Set<string>();
    const keys = [...new Set(candidates.map((c) => c.key))];
    for (let i = 0; i < keys.length; i += KEY_CHUNK) {
      const rows = await tx.alertEvent.findMany({
        where: { key: { in: keys.slice(i, i + KEY_CHUNK) } },
        select: { key: true },
      });
      for (const r of rows) known.add(r.key);
    }
    const fresh: AlertCandidate[] = [];
    for (const c of candidates) {
      if (known.has(c.key)) continue;
      known.add(c.key);
      fresh.push(c);
    }
    if (fresh.length === 0) return [];
    const channels = await tx.alertChannel.findMany({ where: { enabled: true }, select: { id: true } });
    const events = fresh.map((c) => ({ id: randomUUID(), c }));
    await tx.alertEvent.createMany({
      data: events.map(({ id, c }) => ({
        id,
        key: c.key,
        event: c.alert.event,
        severity: c.alert.severity,
        summary: c.alert.summary,
        payload: JSON.stringify(c.alert),
        createdAt: now,
      })),
    });
    await tx.alertDelivery.createMany({
      data: events.flatMap(({ id }) => channels.map((ch) => ({ eventId: id, channelId: ch.id, nextAttemptAt: now }))),
    });
    return events.map(({ id, c }) => ({ ...c.alert, id, at: now.toISOString() }));
  });
}

export interface ChannelDelivery {
  channelId: string;
  channel: string;
  type: string;
  count: number;
  ok: boolean;
  detail?: string;
  error?: string;
  /** When the next attempt is due, after a failure that dockpki will retry. */
  nextAttemptAt?: string;
}

async function dashboardUrl(): Promise<string | null> {
  return (await getSettings()).publicUrl;
}

/** Sends one message to one channel; a damaged secret (other master key) is a failed send, not a crash. */
async function sendTo(channelId: string, name: string, alerts: Alert[], now: Date): Promise<SendResult> {
  try {
    const target = await loadChannelTarget(channelId);
    return await sendAlerts(target, alerts, { sentAt: now, dashboardUrl: await dashboardUrl(), channelName: name });
  } catch (err) {
    return { ok: false, error: describeError(err).message };
  }
}

/** Sends what is due to every enabled channel, one message per channel (per 100 alerts), and
 * records the outcome: sent, retried later with back-off, or given up on. */
export async function deliverDue(now = new Date()): Promise<ChannelDelivery[]> {
  const due = await db.alertDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now }, channel: { enabled: true } },
    select: {
      id: true,
      attempts: true,
      channel: { select: { id: true, name: true, type: true } },
      event: { select: { id: true, payload: true, createdAt: true } },
    },
    orderBy: { event: { createdAt: "asc" } },
  });
  const byChannel = new Map<string, typeof due>();
  for (const d of due) byChannel.set(d.channel.id, [...(byChannel.get(d.channel.id) ?? []), d]);
  const report: ChannelDelivery[] = [];
  for (const [channelId, items] of byChannel) {
    const { name, type } = items[0].channel;
    for (let i = 0; i < items.length; i += PER_MESSAGE) {
      const batch = items.slice(i, i + PER_MESSAGE);
      const alerts = batch.map(
        (d) => ({ ...JSON.parse(d.event.payload), id: d.event.id, at: d.event.createdAt.toISOString() }) as Alert,
      );
      const result = await sendTo(channelId, name, alerts, now);
      const attempt = Math.max(...batch.map((d) => d.attempts)) + 1;
      const retryIn = RETRY_MINUTES[attempt - 1];
      const nextAttemptAt = !result.ok && retryIn !== undefined ? new Date(now.getTime() + retryIn * 60_000) : null;
      await db.$transaction(async (tx) => {
        const ids = batch.map((d) => d.id);
        await tx.alertDelivery.updateMany({
          where: { id: { in: ids } },
          data: result.ok
            ? { status: "sent", sentAt: now, attempts: { increment: 1 }, lastError: null }
            : nextAttemptAt
              ? { attempts: { increment: 1 }, nextAttemptAt, lastError: result.error }
              : { status: "failed", attempts: { increment: 1 }, lastError: result.error },
        });
        await tx.alertChannel.update({
          where: { id: channelId },
          data: result.ok
            ? { lastAttemptAt: now, lastSuccessAt: now, lastError: null }
            : { lastAttemptAt: now, lastError: result.error },
        });
        await recordAudit(tx, {
          actor: "system",
          action: result.ok ? "alert.send" : "alert.send-failed",
          target: name,
          detail: {
            channel: channelId,
            type,
            count: batch.length,
            // What was sent, in the words the channel received (bounded: the audit row holds 4 KB).
            alerts: alerts.slice(0, 10).map((a) => a.summary),
            ...(alerts.length > 10 ? { more: alerts.length - 10 } : {}),
            attempt,
            ...(result.ok ? { answer: result.detail } : { error: result.error }),
            ...(nextAttemptAt ? { nextAttemptAt } : {}),
            ...(!result.ok && !nextAttemptAt ? { gaveUp: true } : {}),
          },
        });
      });
      report.push({
        channelId,
        channel: name,
        type,
        count: batch.length,
        ok: result.ok,
        ...(result.ok ? { detail: result.detail } : { error: result.error }),
        ...(nextAttemptAt ? { nextAttemptAt: nextAttemptAt.toISOString() } : {}),
      });
    }
  }
  return report;
}

const state = globalThis as unknown as { dockpkiAlertRun?: Promise<unknown> };

/** Runs `task` after any run already under way in this process, and under the database lease that
 * keeps other instances from running at the same time (they answer 409 instead of sending twice). */
async function exclusively<T>(now: Date, task: () => Promise<T>): Promise<T> {
  const previous = state.dockpkiAlertRun ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      if (!(await takeLease(RUN_LEASE, RUN_LEASE_MS, now))) {
        throw new ConflictError("Another dockpki instance is checking alerts right now; try again in a minute.");
      }
      try {
        return await task();
      } finally {
        await releaseLease(RUN_LEASE);
      }
    });
  state.dockpkiAlertRun = run;
  return run;
}

/** The check: finds what deserves an alert, records what is new, sends what is due. */
export async function runAlerts(now = new Date()) {
  return exclusively(now, async () => {
    const settings = await getSettings();
    const candidates = await findAlertCandidates(settings, now);
    // With no channel to tell, nothing is recorded: the first channel added then hears of it all.
    const listening = await db.alertChannel.count({ where: { enabled: true } });
    const recorded = listening > 0 ? await recordAlerts(candidates, now) : [];
    const deliveries = await deliverDue(now);
    return { checkedAt: now.toISOString(), found: candidates.length, recorded, deliveries };
  });
}

/** Retries what is due without looking for new alerts: the scheduler's minute tick. */
export async function retryDue(now = new Date()) {
  return exclusively(now, () => deliverDue(now));
}

/** Sends a test message to one channel now and answers what the channel said. Audited; not retried. */
export async function sendTestAlert(actor: Principal, channelId: string, now = new Date()) {
  authorize(actor, "settings");
  const channel = await getAlertChannel(channelId);
  const alert: Alert = {
    id: `test-${now.getTime()}`,
    event: "test",
    severity: "info",
    summary: `A test from dockpki: the alert channel ${channel.name} works.`,
    at: now.toISOString(),
  };
  const result = await sendTo(channel.id, channel.name, [alert], now);
  await db.$transaction(async (tx) => {
    await tx.alertChannel.update({
      where: { id: channel.id },
      data: result.ok
        ? { lastAttemptAt: now, lastSuccessAt: now, lastError: null }
        : { lastAttemptAt: now, lastError: result.error },
    });
    await recordAudit(tx, {
      actor,
      action: "alert-channel.test",
      target: channel.name,
      detail: {
        channel: channel.id,
        type: channel.type,
        ok: result.ok,
        ...(result.ok ? { answer: result.detail } : { error: result.error }),
      },
    });
  });
  return result;
}
