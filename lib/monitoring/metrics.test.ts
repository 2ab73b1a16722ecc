import assert from "node:assert/strict";
import { after, test } from "node:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// The metrics a Prometheus scrapes, read back by a real parser of the text format.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { createClient } = await import("@/lib/inventory/clients");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { revokeCertificate } = await import("@/lib/certificates/revocations");
const { renderMetrics, startMetrics } = await import("@/lib/monitoring/metrics");
const { authenticateBearer, createApiToken } = await import("@/lib/api-tokens");
const { authorize, can } = await import("@/lib/auth/authorize");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

type Family = { name: string; type: string; metrics: { value?: string; labels?: Record<string, string> }[] };

async function scrape(): Promise<Map<string, Family>> {
  const { body, contentType } = await renderMetrics();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  return new Map((parsePrometheusTextFormat(body) as Family[]).map((f) => [f.name, f]));
}

test("expiry per holder, counts by state, CA expiry, agents and issuance durations", async () => {
  // as the server does when it starts (instrumentation.ts): a process that never does records no durations
  await startMetrics();
  await createCertificateAuthority(actor, {
    commonName: "Metrics CA",
    organization: undefined,
    organizationalUnit: undefined,
    keySize: 2048,
    days: 365,
  });
  const host = await createHost(actor, hostCreateSchema.parse({ name: "dock-m", dnsNames: ["dock-m.example.com"] }));
  const client = await createClient(actor, { name: "ci-m", kind: "ci", notes: "" });
  const hostCert = await issueHostCertificate(actor, host.id, { days: 20 });
  const first = await issueClientCertificate(actor, client.id, { days: 5 });
  const clientCert = await issueClientCertificate(actor, client.id, { days: 3 });
  await revokeCertificate(actor, first.id, "superseded");
  await db.host.update({ where: { id: host.id }, data: { agentReportOutcome: "failed", agentReportAt: new Date() } });

  const families = await scrape();
  const expiry = families.get("dockpki_certificate_expiry_timestamp_seconds");
  assert.equal(expiry?.type, "GAUGE");
  const byHolder = new Map(expiry?.metrics.map((m) => [m.labels?.holder, m]));
  assert.deepEqual(byHolder.get("dock-m")?.labels, { holder: "dock-m", kind: "server", ca: "Metrics CA" });
  assert.equal(Number(byHolder.get("dock-m")?.value), hostCert.notAfter.getTime() / 1000);
  assert.equal(
    Number(byHolder.get("ci-m")?.value),
    clientCert.notAfter.getTime() / 1000,
    "only the current certificate",
  );
  assert.equal(expiry?.metrics.length, 2);

  const states = Object.fromEntries(
    families.get("dockpki_certificates")?.metrics.map((m) => [m.labels?.state, Number(m.value)]) ?? [],
  );
  assert.deepEqual(states, { valid: 2, expired: 0, superseded: 0, revoked: 1 });
  const ca = families.get("dockpki_ca_expiry_timestamp_seconds")?.metrics[0];
  assert.deepEqual(ca?.labels, { ca: "Metrics CA", state: "active" });
  const agents = families
    .get("dockpki_renewal_agents")
    ?.metrics.map((m) => [m.labels?.kind, m.labels?.outcome, m.value]);
  assert.deepEqual(agents?.sort(), [
    ["client", "none", "1"],
    ["host", "failed", "1"],
  ]);
  const issuance = families.get("dockpki_issuance_duration_seconds");
  assert.equal(issuance?.type, "HISTOGRAM");
  // the parser drops a histogram's labels: its counts are read from the text
  const { body } = await renderMetrics();
  assert.match(body, /^dockpki_issuance_duration_seconds_count\{kind="server",source="keygen"\} 1$/m);
  assert.match(body, /^dockpki_issuance_duration_seconds_count\{kind="client",source="keygen"\} 2$/m);

  // A host that goes away takes its series with it at the next scrape.
  await db.host.delete({ where: { id: host.id } });
  const again = await scrape();
  assert.deepEqual(
    again.get("dockpki_certificate_expiry_timestamp_seconds")?.metrics.map((m) => m.labels?.holder),
    ["ci-m"],
  );
});

test("a metrics token opens /metrics only; an admin token both", async () => {
  const metrics = await createApiToken(actor, { name: "prometheus", scope: "metrics", expires: null });
  const admin = await createApiToken(actor, { name: "ops", scope: "admin", expires: null });
  const principalOf = async (t: string) => {
    const auth = await authenticateBearer(`Bearer ${t}`);
    assert.ok(auth.ok);
    return auth.principal;
  };
  const m = await principalOf(metrics.token);
  assert.equal(can(m, "metrics"), true);
  assert.equal(can(m, "read"), false, "the API refuses a metrics token");
  assert.throws(
    () => authorize(m, "read"),
    /Reading the inventory needs the auditor, operator or admin role; this API token has the metrics scope\./,
  );
  const a = await principalOf(admin.token);
  assert.equal(can(a, "metrics") && can(a, "read"), true);
});
