import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { trustedCas } from "@/lib/ca/cas";
import { issueMonitorCertificate } from "@/lib/certificates/certificates";
import { unseal } from "@/lib/crypto/seal";
import { db } from "@/lib/db";
import { InputError, NotFoundError } from "@/lib/errors";
import { runAlerts } from "@/lib/monitoring/alert-deliver";
import { type EndpointResult, type ProbeStatus, probeEndpoints } from "@/lib/monitoring/probe";
import { summarizeProbe } from "@/lib/monitoring/probe-summary";

/** The monitoring certificate's lifetime; it is replaced once a third of it is left. */
const MONITOR_DAYS = 30;
const MONITOR_RENEW_LEFT_MS = (MONITOR_DAYS / 3) * 86_400_000;
/** Probes kept per host for its page. */
const HISTORY = 20;
/** Hosts probed at once by a scheduled run (each host's endpoints are probed in parallel too). */
const HOSTS_AT_ONCE = 8;

/** What alerts (alert-check.ts): the daemon serves something, but not what it should. */
const MISMATCH: ProbeStatus[] = ["old", "wrong-name", "untrusted"];

export type ProbeTrigger = "manual" | "api" | "schedule";

export interface HostProbeResult {
  checkedAt: string;
  status: ProbeStatus;
  summary: string;
  trigger: ProbeTrigger;
  endpoints: EndpointResult[];
}

const issuing = new Map<string, Promise<{ id: string }>>();

/** Issues the monitoring certificate of a CA once, however many probes ask for it at the same time. */
function issueMonitorOnce(caId: string): Promise<{ id: string }> {
  let pending = issuing.get(caId);
  if (!pending) {
    pending = issueMonitorCertificate(caId, MONITOR_DAYS).finally(() => issuing.delete(caId));
    issuing.set(caId, pending);
  }
  return pending;
}

/**
 * The dashboard's client certificate for probing hosts that trust `caId`: the current one, or a
 * new one when it is missing or has a third of its lifetime left. Never leaves the server.
 */
async function monitorCredentials(caId: string, now: Date) {
  let cert = await db.certificate.findFirst({
    where: {
      purpose: "monitor",
      caId,
      status: "active",
      notAfter: { gt: new Date(now.getTime() + MONITOR_RENEW_LEFT_MS) },
    },
    select: { id: true, certPem: true, keySealed: true },
  });
  if (!cert) {
    const { id } = await issueMonitorOnce(caId);
    cert = await db.certificate.findUniqueOrThrow({
      where: { id },
      select: { id: true, certPem: true, keySealed: true },
    });
  }
  return {
    clientCertPem: cert.certPem,
    clientKeyPem: unseal(cert.keySealed ?? new Uint8Array(), `certificate:${cert.id}`),
  };
}

/** The CA the host's daemon trusts for client certificates: the active CA when its last bundle
 * carried it (or dockpki has no record), else the newest CA its bundle did carry. `cas` is
 * trustedCas(): the active CA first, then the previous ones, newest first. */
function caForHost(cas: { id: string }[], bundleCaIds: string | null): string | null {
  const [active] = cas;
  if (!active) return null;
  const carried: string[] = bundleCaIds ? JSON.parse(bundleCaIds) : [];
  if (carried.length === 0 || carried.includes(active.id)) return active.id;
  return cas.find((c) => carried.includes(c.id))?.id ?? active.id;
}

/**
 * Probes every name and address of a host on its port: what the daemon serves, whether it is the
 * host's current certificate and valid for that name, and (mutual TLS, with the monitoring
 * certificate) which Docker answers GET /version. The result is stored with the host's history.
 */
export async function probeHost(
  hostId: string,
  trigger: ProbeTrigger,
  actor: Principal = { kind: "system" },
  now = new Date(),
): Promise<HostProbeResult> {
  authorize(actor, "inventory");
  const host = await db.host.findUnique({
    where: { id: hostId },
    select: {
      id: true,
      name: true,
      dnsNames: true,
      ipAddresses: true,
      port: true,
      tlsMode: true,
      bundleCaIds: true,
      certificates: { where: { status: "active" }, select: { serial: true }, take: 1 },
    },
  });
  if (!host) throw new NotFoundError("No such host.");
  const addresses = [...new Set([...JSON.parse(host.dnsNames), ...JSON.parse(host.ipAddresses)] as string[])];
  if (addresses.length === 0) throw new InputError("This host has no DNS name or IP address to probe.");
  const cas = await trustedCas();
  const caId = host.tlsMode === "mtls" ? caForHost(cas, host.bundleCaIds) : null;
  const materials = {
    trustedCaPems: cas.map((ca) => ca.certPem),
    ...(caId ? await monitorCredentials(caId, now) : {}),
  };
  const endpoints = await probeEndpoints(
    addresses.map((address) => ({ address, port: host.port })),
    materials,
    host.certificates[0]?.serial ?? null,
  );
  const { status, summary } = summarizeProbe(endpoints);
  const checkedAt = new Date();
  await db.$transaction(async (tx) => {
    await tx.hostProbe.create({
      data: { hostId, checkedAt, status, summary, trigger, endpoints: JSON.stringify(endpoints) },
    });
    await tx.host.update({
      where: { id: hostId },
      data: { lastProbeAt: checkedAt, lastProbeStatus: status, lastProbeSummary: summary },
    });
    const old = await tx.hostProbe.findMany({
      where: { hostId },
      orderBy: { checkedAt: "desc" },
      skip: HISTORY,
      select: { id: true },
    });
    if (old.length > 0) await tx.hostProbe.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
    // A scheduled run over the fleet would flood the log; what an admin asked for is recorded.
    if (trigger !== "schedule") {
      await recordAudit(tx, { actor, action: "host.probe", target: host.name, detail: { status, summary } });
    }
  });
  return { checkedAt: checkedAt.toISOString(), status, summary, trigger, endpoints };
}

/** In the server, after a probe an admin asked for: a mismatch alerts now rather than at the next
 * hourly check. In the background; the CLI leaves it to the server's scheduler. */
export function alertOnMismatch(probe: HostProbeResult): void {
  if (!MISMATCH.includes(probe.status)) return;
  void runAlerts().catch((err) => console.error("dockpki: the alert check after a probe failed:", err));
}

/** The host's last probes, newest first. */
export async function listHostProbes(hostId: string, take = HISTORY): Promise<HostProbeResult[]> {
  const rows = await db.hostProbe.findMany({
    where: { hostId },
    orderBy: { checkedAt: "desc" },
    take,
    select: { checkedAt: true, status: true, summary: true, trigger: true, endpoints: true },
  });
  return rows.map((r) => ({
    checkedAt: r.checkedAt.toISOString(),
    status: r.status as ProbeStatus,
    summary: r.summary,
    trigger: r.trigger as ProbeTrigger,
    endpoints: JSON.parse(r.endpoints) as EndpointResult[],
  }));
}

/** Probes every host, a few at a time (the scheduled probe). Answers how many were probed and how many failed to. */
export async function probeAllHosts(now = new Date()): Promise<{ probed: number; errors: number }> {
  const hosts = await db.host.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const { id } = hosts[next++];
      await probeHost(id, "schedule", { kind: "system" }, now).catch(() => {
        errors++;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOSTS_AT_ONCE, hosts.length) }, worker));
  return { probed: hosts.length - errors, errors };
}

/** Hosts whose daemon served the wrong certificate at their last probe, latest first (the overview). */
export async function listProbeMismatches(take = 20) {
  const where = { lastProbeStatus: { in: MISMATCH } };
  const [total, rows] = await Promise.all([
    db.host.count({ where }),
    db.host.findMany({
      where,
      orderBy: { lastProbeAt: "desc" },
      take,
      select: { id: true, name: true, lastProbeStatus: true, lastProbeSummary: true, lastProbeAt: true },
    }),
  ]);
  return { total, rows };
}
