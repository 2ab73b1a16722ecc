import "server-only";
import { caState } from "@/lib/ca/cas";
import { keyPoolCounts } from "@/lib/certificates/key-pool";
import { db } from "@/lib/db";

// Prometheus metrics. Everything about the PKI is read from the database at each scrape, so every
// instance answers the same; durations are this process's own, recorded once it serves metrics
// (startMetrics, when the server starts): a CLI command's would never be scraped, and prom-client
// with its dependencies takes some 50 ms to load, a tenth of a command's whole run.

type PromClient = typeof import("prom-client");

const state = globalThis as unknown as { dockpkiMetrics?: ReturnType<typeof createMetrics> };

/** Loads prom-client and starts recording durations (the server, at its start; each scrape). */
export async function startMetrics(): Promise<void> {
  if (state.dockpkiMetrics) return;
  const prom = await import("prom-client");
  state.dockpkiMetrics ??= createMetrics(prom);
}

function createMetrics({ Gauge, Histogram, Registry }: PromClient) {
  const registry = new Registry();
  const issuance = new Histogram({
    name: "dockpki_issuance_duration_seconds",
    help: "Time to issue a certificate (key or CSR, signing, storing), by kind and how.",
    labelNames: ["kind", "source"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requests = new Histogram({
    name: "dockpki_api_request_duration_seconds",
    help: "Time to answer an /api/v1 request, by method and status.",
    labelNames: ["method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const byStatus = new Gauge({
    name: "dockpki_certificates",
    help: "Certificates on record by state: valid, expired, superseded, revoked.",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const caExpiry = new Gauge({
    name: "dockpki_ca_expiry_timestamp_seconds",
    help: "notAfter of each CA, as a unix time, with its state (active, overlap, retired).",
    labelNames: ["ca", "state"] as const,
    registers: [registry],
  });
  const agents = new Gauge({
    name: "dockpki_renewal_agents",
    help: "Hosts and clients by the outcome of their agent's last report (none: no report yet).",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const jobs = new Gauge({
    name: "dockpki_job_items",
    help: "Items of bulk jobs that are queued or running, by job and item state.",
    labelNames: ["job", "kind", "state"] as const,
    registers: [registry],
  });
  const probes = new Gauge({
    name: "dockpki_hosts_by_probe",
    help: "Hosts by what their daemon served at the last live probe: current, old, wrong-name, untrusted, unreachable, never.",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const deliveries = new Gauge({
    name: "dockpki_alert_deliveries",
    help: "Alerts per channel by delivery state: pending (first try or retrying), sent, failed (given up).",
    labelNames: ["channel", "state"] as const,
    registers: [registry],
  });
  const pool = new Gauge({
    name: "dockpki_key_pool_keys",
    help: "Pre-generated keys waiting in the key pool, by key type and size (bits).",
    labelNames: ["key_type", "key_size"] as const,
    registers: [registry],
  });
  return { registry, issuance, requests, byStatus, caExpiry, agents, jobs, probes, deliveries, pool };
}

/** Records one issuance; called by the issuing path. */
export function observeIssuance(kind: "server" | "client", source: "csr" | "keygen", seconds: number): void {
  state.dockpkiMetrics?.issuance.observe({ kind, source }, seconds);
}

/** Records one API answer; called by the API's route wrappers. */
export function observeApiRequest(method: string, status: number, seconds: number): void {
  state.dockpkiMetrics?.requests.observe({ method, status: String(status) }, seconds);
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** A label value as the text format writes it. */
const labelValue = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const EXPIRY = "dockpki_certificate_expiry_timestamp_seconds";

/**
 * The expiry family, one series per host and client, written directly: at 20,000 holders going
 * through a prom-client Gauge doubles the cost of a scrape. One joined query, not Prisma's three.
 */
async function expiryFamily(): Promise<string> {
  const rows = await db.$queryRaw<{ kind: string; notAfter: Date | string | number; holder: string; ca: string }[]>`
    SELECT CASE WHEN c."purpose" = 'monitor' THEN 'monitor' ELSE c."kind" END AS "kind", c."notAfter",
      COALESCE(h."name", cl."name", CASE WHEN c."purpose" = 'monitor' THEN 'dockpki-monitor' END) AS "holder",
      ca."commonName" AS "ca"
    FROM "Certificate" c
    JOIN "CertificateAuthority" ca ON ca."id" = c."caId"
    LEFT JOIN "Host" h ON h."id" = c."hostId"
    LEFT JOIN "Client" cl ON cl."id" = c."clientId"
    WHERE c."status" = 'active' AND (COALESCE(h."name", cl."name") IS NOT NULL OR c."purpose" = 'monitor')`;
  const lines = [
    `# HELP ${EXPIRY} notAfter of each host's and client's current certificate (and the dashboard's monitoring certificate, kind monitor), as a unix time.`,
    `# TYPE ${EXPIRY} gauge`,
  ];
  for (const r of rows) {
    const at = seconds(new Date(r.notAfter));
    lines.push(`${EXPIRY}{holder="${labelValue(r.holder)}",kind="${r.kind}",ca="${labelValue(r.ca)}"} ${at}`);
  }
  return `${lines.join("\n")}\n`;
}

const PROBE_OK = "dockpki_host_probe_serving_current";

/** One series per probed host, written directly as the expiry family is: 1 when its daemon served
 * its current certificate, valid for every name, at the last probe. */
async function probeFamily(): Promise<string> {
  const rows = await db.$queryRaw<{ name: string; ok: number | bigint }[]>`
    SELECT "name", CASE WHEN "lastProbeStatus" = 'current' THEN 1 ELSE 0 END AS "ok"
    FROM "Host" WHERE "lastProbeStatus" IS NOT NULL`;
  const lines = [
    `# HELP ${PROBE_OK} 1 when the host's daemon served its current certificate at the last live probe, else 0.`,
    `# TYPE ${PROBE_OK} gauge`,
  ];
  for (const r of rows) lines.push(`${PROBE_OK}{host="${labelValue(r.name)}"} ${Number(r.ok)}`);
  return `${lines.join("\n")}\n`;
}

/** The metrics text for one scrape. */
export async function renderMetrics(now = new Date()): Promise<{ contentType: string; body: string }> {
  await startMetrics();
  const m = state.dockpkiMetrics as ReturnType<typeof createMetrics>;
  const [
    expiry,
    probed,
    probeStates,
    deliveryStates,
    counts,
    expired,
    cas,
    hostReports,
    clientReports,
    jobItems,
    pooled,
  ] = await Promise.all([
    expiryFamily(),
    probeFamily(),
    db.host.groupBy({ by: ["lastProbeStatus"], _count: true }),
    db.alertDelivery.groupBy({ by: ["channelId", "status"], _count: true }),
    db.certificate.groupBy({ by: ["status"], _count: true }),
    db.certificate.count({ where: { status: "active", notAfter: { lte: now } } }),
    db.certificateAuthority.findMany({ select: { commonName: true, status: true, notAfter: true } }),
    db.host.groupBy({ by: ["agentReportOutcome"], _count: true }),
    db.client.groupBy({ by: ["agentReportOutcome"], _count: true }),
    db.jobItem.groupBy({
      by: ["jobId", "status"],
      where: { job: { status: { in: ["queued", "running"] } } },
      _count: true,
    }),
    keyPoolCounts(),
  ]);
  m.pool.reset();
  for (const p of pooled) m.pool.set({ key_type: p.keyType, key_size: String(p.keySize) }, p.count);
  m.byStatus.reset();
  const count = (status: string) => counts.find((c) => c.status === status)?._count ?? 0;
  m.byStatus.set({ state: "valid" }, count("active") - expired);
  m.byStatus.set({ state: "expired" }, expired);
  m.byStatus.set({ state: "superseded" }, count("superseded"));
  m.byStatus.set({ state: "revoked" }, count("revoked"));
  m.caExpiry.reset();
  for (const ca of cas) m.caExpiry.set({ ca: ca.commonName, state: caState(ca.status) }, seconds(ca.notAfter));
  m.agents.reset();
  for (const [kind, rows] of [
    ["host", hostReports],
    ["client", clientReports],
  ] as const) {
    for (const r of rows) m.agents.set({ kind, outcome: r.agentReportOutcome ?? "none" }, r._count);
  }
  m.probes.reset();
  for (const r of probeStates) m.probes.set({ state: r.lastProbeStatus ?? "never" }, r._count);
  m.deliveries.reset();
  if (deliveryStates.length > 0) {
    const names = new Map(
      (await db.alertChannel.findMany({ select: { id: true, name: true } })).map((c) => [c.id, c.name] as const),
    );
    for (const r of deliveryStates)
      m.deliveries.set({ channel: names.get(r.channelId) ?? r.channelId, state: r.status }, r._count);
  }
  m.jobs.reset();
  if (jobItems.length > 0) {
    const kinds = await db.job.findMany({
      where: { id: { in: [...new Set(jobItems.map((i) => i.jobId))] } },
      select: { id: true, kind: true },
    });
    for (const i of jobItems) {
      const kind = kinds.find((k) => k.id === i.jobId)?.kind ?? "";
      m.jobs.set({ job: i.jobId, kind, state: i.status }, i._count);
    }
  }
  return { contentType: m.registry.contentType, body: `${expiry}\n${probed}\n${await m.registry.metrics()}` };
}
