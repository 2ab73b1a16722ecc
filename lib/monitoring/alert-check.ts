import "server-only";
import { getRotationProgress } from "@/lib/ca/rotation";
import { formatDate } from "@/lib/dates";
import { db } from "@/lib/db";
import type { Alert, AlertCertificate } from "@/lib/monitoring/alert";
import { daysUntil, renewsItself } from "@/lib/renewal/lifetime";
import { listOverdueRenewals } from "@/lib/renewal/status";
import type { Settings } from "@/lib/settings.schema";

const DAY_MS = 86_400_000;
/** Expired certificates alert up to this long after expiry: older ones predate alerting, not news. */
const EXPIRED_LOOKBACK_MS = 30 * DAY_MS;
/** A failed agent report older than this is history, not an alert. */
const REPORT_LOOKBACK_MS = 7 * DAY_MS;

/** Something that deserves an alert, and the key that makes it alert once: the same condition
 * found again (next hour, after a restart, on another instance) has the same key. */
export interface AlertCandidate {
  key: string;
  alert: Omit<Alert, "id" | "at">;
}

/**
 * The threshold a certificate has crossed, the smallest one: a certificate found with 5 days left
 * (issued for 5 days, or noticed late) alerts for 7 once, not for 30, 14 and 7.
 */
export function crossedThreshold(cert: { notAfter: Date }, thresholds: number[], now: Date): number | null {
  const left = cert.notAfter.getTime() - now.getTime();
  const crossed = thresholds.filter((t) => left <= t * DAY_MS);
  return crossed.length > 0 ? Math.min(...crossed) : null;
}

const severityFor = (days: number | null) => (days === null || days <= 7 ? "critical" : "warning");

function expirySummary(c: AlertCertificate, threshold: number | null): string {
  const what = c.kind === "ca" ? `The CA ${c.holder}` : `${c.holder}'s ${c.kind} certificate`;
  const when = formatDate(c.notAfter);
  if (threshold === null) return `${what} expired on ${when}.`;
  return `${what} expires in ${c.daysLeft} day${c.daysLeft === 1 ? "" : "s"} (${when}).`;
}

/** Certificates of hosts and clients crossing a threshold or expiring. */
async function certificateCandidates(settings: Settings, now: Date): Promise<AlertCandidate[]> {
  const horizon = new Date(now.getTime() + Math.max(...settings.alertThresholdDays) * DAY_MS);
  const rows = await db.certificate.findMany({
    where: {
      status: "active",
      purpose: "",
      notAfter: { lte: horizon, gt: new Date(now.getTime() - EXPIRED_LOOKBACK_MS) },
      OR: [{ hostId: { not: null } }, { clientId: { not: null } }],
    },
    select: {
      id: true,
      serial: true,
      kind: true,
      notBefore: true,
      notAfter: true,
      host: { select: { id: true, name: true, renewalEnabled: true } },
      client: { select: { id: true, name: true, renewalEnabled: true } },
    },
  });
  const out: AlertCandidate[] = [];
  for (const row of rows) {
    const holder = row.host ?? row.client;
    if (!holder) continue;
    const expired = row.notAfter <= now;
    // A holder that renews itself alerts when its renewal is overdue or fails, not on every short lifetime.
    const threshold =
      expired || renewsItself(settings, holder.renewalEnabled)
        ? null
        : crossedThreshold(row, settings.alertThresholdDays, now);
    if (!expired && threshold === null) continue;
    const certificate: AlertCertificate = {
      id: row.id,
      serial: row.serial,
      holder: holder.name,
      kind: row.kind as "server" | "client",
      notAfter: row.notAfter.toISOString(),
      daysLeft: daysUntil(row.notAfter, now),
    };
    out.push({
      key: expired ? `expired:${row.id}` : `expiry:${row.id}:${threshold}`,
      alert: {
        event: expired ? "certificate.expired" : "certificate.expiring",
        severity: severityFor(threshold),
        summary: expirySummary(certificate, threshold),
        certificate,
        ...(row.host ? { host: { id: row.host.id, name: row.host.name } } : {}),
        ...(row.client ? { client: { id: row.client.id, name: row.client.name } } : {}),
        ...(threshold === null ? {} : { threshold }),
      },
    });
  }
  return out;
}

/** Every CA still trusted (active, or previous during a rotation) crossing a threshold or expiring. */
async function caCandidates(settings: Settings, now: Date): Promise<AlertCandidate[]> {
  const cas = await db.certificateAuthority.findMany({
    where: { status: { in: ["active", "previous"] } },
    select: { id: true, serial: true, commonName: true, notBefore: true, notAfter: true },
  });
  const out: AlertCandidate[] = [];
  for (const ca of cas) {
    const expired = ca.notAfter <= now;
    const threshold = expired ? null : crossedThreshold(ca, settings.alertThresholdDays, now);
    if (!expired && threshold === null) continue;
    const certificate: AlertCertificate = {
      id: ca.id,
      serial: ca.serial,
      holder: ca.commonName,
      kind: "ca",
      notAfter: ca.notAfter.toISOString(),
      daysLeft: daysUntil(ca.notAfter, now),
    };
    out.push({
      key: expired ? `ca-expired:${ca.id}` : `ca-expiry:${ca.id}:${threshold}`,
      alert: {
        event: expired ? "certificate.expired" : "certificate.expiring",
        severity: severityFor(threshold),
        summary: expirySummary(certificate, threshold),
        certificate,
        ...(threshold === null ? {} : { threshold }),
      },
    });
  }
  return out;
}

/** Agents that reported a failed renewal (one alert per report), and renewals now overdue. */
async function renewalCandidates(settings: Settings, now: Date): Promise<AlertCandidate[]> {
  const since = new Date(now.getTime() - REPORT_LOOKBACK_MS);
  const where = { renewalEnabled: true, agentReportOutcome: "failed", agentReportAt: { gt: since } };
  const select = { id: true, name: true, agentReportAt: true, agentReportMessage: true, agentReportSerial: true };
  const [hosts, clients, overdue] = await Promise.all([
    db.host.findMany({ where, select }),
    db.client.findMany({ where, select }),
    listOverdueRenewals(settings, now, 10_000),
  ]);
  const failed = [
    ...hosts.map((h) => ({ ...h, kind: "host" as const })),
    ...clients.map((c) => ({ ...c, kind: "client" as const })),
  ].map(
    (h): AlertCandidate => ({
      key: `renewal-failed:${h.kind}:${h.id}:${h.agentReportAt?.getTime()}`,
      alert: {
        event: "renewal.failed",
        severity: "warning",
        summary: `${h.name}'s agent could not renew its certificate: ${h.agentReportMessage || "no reason given"}.`,
        [h.kind]: { id: h.id, name: h.name },
        detail: { reportedAt: h.agentReportAt?.toISOString(), serial: h.agentReportSerial },
      },
    }),
  );
  const late = overdue.rows.map(
    (r): AlertCandidate => ({
      key: `renewal-overdue:${r.certificateId}`,
      alert: {
        event: "renewal.overdue",
        severity: "warning",
        summary: `${r.name} has not renewed its certificate, which expires on ${formatDate(r.notAfter)}.`,
        certificate: {
          id: r.certificateId,
          serial: r.serial,
          holder: r.name,
          kind: r.kind === "host" ? "server" : "client",
          notAfter: r.notAfter.toISOString(),
          daysLeft: daysUntil(r.notAfter, now),
        },
        [r.kind]: { id: r.holderId, name: r.name },
        detail: r.lastReport ? { lastReport: r.lastReport } : {},
      },
    }),
  );
  return [...failed, ...late];
}

/** Hosts whose last probe found another certificate, a wrong name or an untrusted one: once per
 * host, finding and current certificate. */
async function probeCandidates(): Promise<AlertCandidate[]> {
  const hosts = await db.host.findMany({
    where: { lastProbeStatus: { in: ["old", "wrong-name", "untrusted"] } },
    select: {
      id: true,
      name: true,
      lastProbeStatus: true,
      lastProbeSummary: true,
      lastProbeAt: true,
      certificates: { where: { status: "active" }, select: { id: true }, take: 1 },
    },
  });
  return hosts.map((h) => ({
    key: `probe:${h.id}:${h.lastProbeStatus}:${h.certificates[0]?.id ?? "none"}`,
    alert: {
      event: "probe.mismatch",
      severity: "critical",
      summary: `${h.name}: ${h.lastProbeSummary ?? "the daemon does not serve its current certificate."}`,
      host: { id: h.id, name: h.name },
      detail: { status: h.lastProbeStatus, checkedAt: h.lastProbeAt?.toISOString() },
    },
  }));
}

/** A CA rotation with a step still open N days after it began: one alert per step. */
async function rotationCandidates(settings: Settings, now: Date): Promise<AlertCandidate[]> {
  const [active, previous] = await Promise.all([
    db.certificateAuthority.findFirst({ where: { status: "active" }, select: { id: true, createdAt: true } }),
    db.certificateAuthority.findFirst({ where: { status: "previous" }, select: { id: true, commonName: true } }),
  ]);
  if (!active || !previous) return [];
  const days = Math.floor((now.getTime() - active.createdAt.getTime()) / DAY_MS);
  if (days < settings.alertRotationOpenDays) return [];
  const p = await getRotationProgress(active.id, previous.id, now);
  const [step, left] =
    p.trust.hosts + p.trust.clients > 0
      ? ["trust", `${p.trust.hosts} host(s) and ${p.trust.clients} client(s) still lack a ca.pem with both CAs`]
      : p.reissue.certificates > 0
        ? ["reissue", `${p.reissue.certificates} certificate(s) are still from the old CA`]
        : p.install.hosts + p.install.clients > 0
          ? [
              "install",
              `${p.install.hosts} host(s) and ${p.install.clients} client(s) have not installed their new bundle`,
            ]
          : ["retire", `the old CA ${previous.commonName} is not retired yet`];
  return [
    {
      key: `rotation:${previous.id}:${step}`,
      alert: {
        event: "rotation.open",
        severity: "warning",
        summary: `The CA rotation started ${days} days ago is still open: ${left}.`,
        detail: { step, days, previousCaId: previous.id, activeCaId: active.id },
      },
    },
  ];
}

/** Everything that deserves an alert now; which of it is new is decided by the keys (alert-deliver.ts). */
export async function findAlertCandidates(settings: Settings, now = new Date()): Promise<AlertCandidate[]> {
  const groups = await Promise.all([
    certificateCandidates(settings, now),
    caCandidates(settings, now),
    renewalCandidates(settings, now),
    probeCandidates(),
    rotationCandidates(settings, now),
  ]);
  return groups.flat();
}
