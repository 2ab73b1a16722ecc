import assert from "node:assert/strict";
import { after, test } from "node:test";
import { installQueryLog } from "@/lib/test-support/query-log";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const queryLog = installQueryLog(env);
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost, deleteHost, updateHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { createClient } = await import("@/lib/inventory/clients");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { revokeCertificate } = await import("@/lib/certificates/revocations");
const { linkAuditEvents } = await import("@/lib/audit-links");
const { describeAuditEvent } = await import("@/lib/audit-words");

const alice = { kind: "admin", id: "a1", username: "alice", role: "admin" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

await createCertificateAuthority(alice, {
  commonName: "Links CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});
const host = await createHost(alice, hostCreateSchema.parse({ name: "docker1", dnsNames: ["docker1.example.com"] }));
const hostCert = await issueHostCertificate(alice, host.id, { days: 30, csrPem: undefined });
const client = await createClient(alice, { name: "ci-runner", kind: "ci", notes: "" });
const clientCert = await issueClientCertificate(alice, client.id, { days: 30, csrPem: undefined });
await revokeCertificate(alice, clientCert.id, "unspecified");
const gone = await createHost(alice, hostCreateSchema.parse({ name: "gone", dnsNames: ["gone.example.com"] }));
await deleteHost(alice, gone.id);
// Renamed after its events were recorded: links follow the id, and show today's name.
await updateHost(alice, host.id, { name: "docker-one" });

test("rows link to the host, client, certificate and CA they are about, found in one query per kind", async () => {
  const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
  queryLog.fileUnder("links");
  const links = await linkAuditEvents(rows);
  queryLog.fileUnder(null);
  const sent = queryLog.statements("links").reduce((n, s) => n + s.count, 0);
  assert.ok(rows.length > 8 && sent <= 4, `${sent} queries for ${rows.length} rows: one per kind, not one per row`);
  const byAction = (action: string, target?: string) => {
    const i = rows.findIndex((r) => r.action === action && (target === undefined || r.target === target));
    assert.ok(i >= 0, `no ${action} row`);
    return { row: rows[i], ...links[i] };
  };

  const issued = byAction("cert.issue", "docker1.example.com");
  assert.deepEqual(issued.links, [
    { label: "docker-one", href: `/hosts/${host.id}` },
    { label: `certificate ${hostCert.serial.slice(0, 6)}…`, href: `/certificates/${hostCert.id}` },
  ]);
  assert.equal(
    describeAuditEvent(issued.row, { holder: issued.holder }),
    "alice issued a server certificate for docker-one",
    "the sentence names the host, not the certificate's DNS name",
  );
  const revoked = byAction("cert.revoke");
  assert.deepEqual(
    revoked.links.map((l) => l.href),
    [`/clients/${client.id}`, `/certificates/${clientCert.id}`],
  );
  assert.deepEqual(byAction("host.create", "docker1").links, [{ label: "docker-one", href: `/hosts/${host.id}` }]);
  assert.deepEqual(byAction("host.create", "gone").links, [], "a deleted host has no page to link");
  assert.deepEqual(byAction("ca.create").links, [{ label: "CA", href: "/ca" }]);
});

test("an agent's rows find its host by name and its certificate by serial", async () => {
  const [links] = await linkAuditEvents([
    {
      actor: "host:docker-one",
      action: "agent.renewed",
      target: "docker-one",
      detail: JSON.stringify({ serial: hostCert.serial }),
    },
  ]);
  assert.deepEqual(
    links.links.map((l) => l.href),
    [`/hosts/${host.id}`, `/certificates/${hostCert.id}`],
  );
  assert.deepEqual(await linkAuditEvents([]), []);
});
