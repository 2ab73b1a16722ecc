import "server-only";
import { db } from "@/lib/db";
import { renewalDueAt, renewalOverdueAt, renewsItself } from "@/lib/renewal/lifetime";
import type { Settings } from "@/lib/settings.schema";

export interface AgentReportFields {
  renewalEnabled: boolean;
  agentReportAt: Date | null;
  agentReportSerial: string | null;
  agentReportOutcome: string | null;
  agentReportMessage: string | null;
  agentServedSerial?: string | null;
}

export interface CurrentCertificate {
  serial: string;
  status: string;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
}

/** What the host and client pages say about renewal. */
export interface RenewalStatus {
  /** The agent renews this holder's certificates. */
  renewsItself: boolean;
  /** Why it does not, as a sentence, when it does not. */
  offReason: string | null;
  /** When the agent renews the current certificate, if it is still valid. */
  dueAt: Date | null;
  /** Less than a quarter of the lifetime left and not renewed. */
  overdue: boolean;
  lastReport: {
    at: Date;
    serial: string | null;
    outcome: "ok" | "failed";
    message: string | null;
  } | null;
  /** Hosts: what dockerd served at the last report, against the current certificate. */
  serving: { state: "current" | "other" | "unknown"; serial: string | null };
}

export function renewalStatus(
  holder: AgentReportFields,
  current: CurrentCertificate | null,
  settings: Settings,
  now = new Date(),
): RenewalStatus {
  const on = renewsItself(settings, holder.renewalEnabled);
  const offReason = on
    ? null
    : !settings.publicUrl
      ? "The dashboard's public URL is not set (Settings), so bundles carry no agent."
      : "Renewal is switched off for it.";
  const valid = current && current.status === "active" && current.notAfter > now ? current : null;
  const served = holder.agentServedSerial ?? null;
  return {
    renewsItself: on,
    offReason,
    dueAt: on && valid ? renewalDueAt(valid, settings) : null,
    overdue: on && valid !== null && renewalOverdueAt(valid, settings) <= now,
    lastReport: holder.agentReportAt
      ? {
          at: holder.agentReportAt,
          serial: holder.agentReportSerial,
          outcome: holder.agentReportOutcome === "ok" ? "ok" : "failed",
          message: holder.agentReportMessage,
        }
      : null,
    serving: {
      state: !served || !current ? "unknown" : served === current.serial ? "current" : "other",
      serial: served,
    },
  };
}

/**
 * Holders whose agent should have renewed by now: renewal on, the current certificate still valid
 * with less than a quarter of its lifetime left. Listed before anything expires, soonest first.
 */
export async function listOverdueRenewals(settings: Settings, now = new Date(), take = 50) {
  if (!settings.publicUrl) return { total: 0, rows: [] };
  const candidates = await db.certificate.findMany({
    where: {
      status: "active",
      notAfter: { gt: now },
      OR: [{ host: { renewalEnabled: true } }, { client: { renewalEnabled: true } }],
    },
    select: { id: true, serial: true, kind: true, notBefore: true, notAfter: true, hostId: true, clientId: true },
    orderBy: { notAfter: "asc" },
  });
  const overdue = candidates.filter((c) => renewalOverdueAt(c, settings) <= now);
  const shown = overdue.slice(0, take);
  const [hosts, clients] = await Promise.all([
    db.host.findMany({
      where: { id: { in: shown.flatMap((c) => (c.hostId ? [c.hostId] : [])) } },
      select: { id: true, name: true, agentReportAt: true, agentReportOutcome: true, agentReportMessage: true },
    }),
    db.client.findMany({
      where: { id: { in: shown.flatMap((c) => (c.clientId ? [c.clientId] : [])) } },
      select: { id: true, name: true, agentReportAt: true, agentReportOutcome: true, agentReportMessage: true },
    }),
  ]);
  const holders = new Map([...hosts, ...clients].map((h) => [h.id, h]));
  return {
    total: overdue.length,
    rows: shown.map((c) => {
      const holder = holders.get((c.hostId ?? c.clientId) as string);
      return {
        certificateId: c.id,
        serial: c.serial,
        kind: c.kind === "server" ? ("host" as const) : ("client" as const),
        holderId: (c.hostId ?? c.clientId) as string,
        name: holder?.name ?? "",
        notAfter: c.notAfter,
        lastReport: holder?.agentReportAt
          ? { at: holder.agentReportAt, outcome: holder.agentReportOutcome, message: holder.agentReportMessage }
          : null,
      };
    }),
  };
}
