// The list's bulk actions: exactly the selected rows, each on its own terms.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost, listHosts } = await import("@/lib/inventory/hosts");
const { deleteHosts } = await import("@/lib/inventory/bulk-delete");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { revokeCertificates } = await import("@/lib/certificates/revocations");
const { createReissueJob } = await import("@/lib/certificates/jobs");
const { hostListQuerySchema } = await import("@/lib/list-query.schema");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const ca = await createCertificateAuthority(actor, {
  commonName: "Bulk CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});
const hostBase = {
  ipAddresses: [] as string[],
  port: 2376,
  configStyle: "systemd" as const,
  keepUnixSocket: true,
  localAccess: false,
  tlsMode: "mtls" as const,
  role: "standalone" as const,
  labels: "",
  notes: "",
};
// Created in an order that is neither by name nor by expiry.
const hosts: Record<string, { id: string; certId: string | null }> = {};
for (const [name, days] of [
  ["bulk-b", 90],
  ["bulk-a", 5],
  ["bulk-d", null],
  ["bulk-c", 40],
] as const) {
  const host = await createHost(actor, { ...hostBase, name, dnsNames: [`${name}.example.com`] });
  const cert = days ? await issueHostCertificate(actor, host.id, { days, keyType: "ecdsa-p256" }) : null;
  hosts[name] = { id: host.id, certId: cert?.id ?? null };
}

test("sorted by expiry, the soonest comes first and hosts without a certificate come last either way", async () => {
  const order = async (dir: string) =>
    (await listHosts(hostListQuerySchema.parse({ q: "bulk-", sort: "expiry", dir }))).rows.map((h) => h.name);
  assert.deepEqual(await order("asc"), ["bulk-a", "bulk-c", "bulk-b", "bulk-d"]);
  assert.deepEqual(await order("desc"), ["bulk-b", "bulk-c", "bulk-a", "bulk-d"]);
  const page2 = await listHosts(hostListQuerySchema.parse({ q: "bulk-", sort: "expiry", pageSize: "2", page: "2" }));
  assert.deepEqual([page2.total, page2.rows.map((h) => h.name)], [4, ["bulk-b", "bulk-d"]]);
  const byName = await listHosts(hostListQuerySchema.parse({ q: "bulk-", sort: "name", dir: "desc" }));
  assert.deepEqual(
    byName.rows.map((h) => h.name),
    ["bulk-d", "bulk-c", "bulk-b", "bulk-a"],
  );
});

test("a re-issue job over selected ids takes exactly those, and refuses a stale selection", async () => {
  const ids = [hosts["bulk-a"].certId, hosts["bulk-b"].certId] as string[];
  const job = await createReissueJob(actor, { scope: "ids", ids }, false);
  const items = await db.jobItem.findMany({ where: { jobId: job.id }, select: { certificateId: true } });
  assert.deepEqual(items.map((i) => i.certificateId).sort(), [...ids].sort());
  await db.job.update({ where: { id: job.id }, data: { status: "cancelled" } });
  await db.certificate.update({ where: { id: ids[0] }, data: { status: "superseded" } });
  await assert.rejects(
    createReissueJob(actor, { scope: "ids", ids }, false),
    /One of the selected certificates was already replaced/,
  );
  await db.certificate.update({ where: { id: ids[0] }, data: { status: "active" } });
});

test("bulk revoke audits each certificate, signs the CRL once, and reports what it refused", async () => {
  const before = await db.certificateAuthority.findUniqueOrThrow({ where: { id: ca.id }, select: { crlNumber: true } });
  const ids = [hosts["bulk-b"].certId, hosts["bulk-c"].certId] as string[];
  const missing = "0b8f5c7e-4a39-4f51-9a3d-6f1e2d3c4b5a";
  const result = await revokeCertificates(actor, [...ids, missing], "cessationOfOperation");
  assert.equal(result.revoked.length, 2);
  assert.deepEqual(result.refused, [{ id: missing, reason: "That certificate does not exist." }]);
  const after = await db.certificateAuthority.findUniqueOrThrow({
    where: { id: ca.id },
    select: { crlNumber: true },
  });
  assert.equal(after.crlNumber, before.crlNumber + 1);
  const audited = await db.auditEvent.count({ where: { action: "cert.revoke" } });
  assert.equal(audited, 2);
  const again = await revokeCertificates(actor, [ids[0]], "unspecified");
  assert.deepEqual(again.revoked, []);
  assert.match(again.refused[0].reason, /is already revoked/);
});

test("bulk delete deletes each selected host and names the ones it could not", async () => {
  const gone = "1c9f6d8f-5b4a-4062-8b4e-7a2f3e4d5c6b";
  const result = await deleteHosts(actor, [hosts["bulk-c"].id, hosts["bulk-d"].id, gone]);
  assert.deepEqual(result.deleted, ["bulk-c", "bulk-d"]);
  assert.deepEqual(result.refused, [{ id: gone, name: null, reason: "That host does not exist." }]);
  assert.equal(await db.host.count({ where: { name: { in: ["bulk-c", "bulk-d"] } } }), 0);
  // Certificates outlive their host.
  assert.equal(await db.certificate.count({ where: { id: hosts["bulk-c"].certId as string } }), 1);
});
