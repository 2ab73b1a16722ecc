import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { unzip } from "@/lib/test-support/zip";

// Several bundles in one zip: a folder per holder, the same files as each single bundle, every
// bundle audited, and plain refusals for sets that cannot be shipped whole.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient } = await import("@/lib/inventory/clients");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { reissueCertificate } = await import("@/lib/certificates/reissue");
const { revokeCertificate } = await import("@/lib/certificates/revocations");
const { openBundle } = await import("@/lib/certificates/downloads");
const { MAX_BUNDLES_PER_ZIP, openBundleSet } = await import("@/lib/certificates/bundle-set");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

await createCertificateAuthority(actor, {
  commonName: "Set CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});
const host = await createHost(actor, hostCreateSchema.parse({ name: "docker1", dnsNames: ["docker1.example.com"] }));
const hostCert = await issueHostCertificate(actor, host.id, {});
// A client called like the host: both want the folder docker1.
const twin = await createClient(actor, { name: "docker1", kind: "ci", notes: "" });
const twinCert = await issueClientCertificate(actor, twin.id, {});
const runner = await createClient(actor, { name: "ci-runner", kind: "ci", notes: "" });
const runnerCert = await issueClientCertificate(actor, runner.id, {});

function makeCsr(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-csr-"));
  execFileSync(
    "openssl",
    ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=x", "-keyout", "k.pem", "-out", "r.csr"],
    { cwd: dir, stdio: "ignore" },
  );
  return readFileSync(path.join(dir, "r.csr"), "utf8");
}

/** The entries of a zip under one folder, by name within it. */
function folder(entries: Map<string, { content: string; mode: number }>, name: string) {
  const files = new Map<string, { content: string; mode: number }>();
  for (const [entry, value] of entries) {
    if (entry.startsWith(`${name}/`) && entry !== `${name}/`) files.set(entry.slice(name.length + 1), value);
  }
  return files;
}

test("one folder per holder, unique, each with the files of that certificate's own bundle", async () => {
  const before = await db.auditEvent.count({ where: { action: "cert.download" } });
  const { zip, count } = await openBundleSet(actor, [hostCert.id, twinCert.id, runnerCert.id, hostCert.id]);
  assert.equal(count, 3, "an id asked for twice is one bundle");
  const entries = await unzip(zip);
  const tops = [...new Set([...entries.keys()].map((n) => n.split("/")[0]))];
  assert.deepEqual(tops.sort(), ["ci-runner", "docker1", "docker1-2"]);
  for (const name of entries.keys()) assert.ok(!name.includes("..") && !name.startsWith("/"), name);

  const server = folder(entries, "docker1");
  assert.ok(server.has("install.sh") && server.has("key.pem") && server.has("custom.conf"));
  assert.equal(server.get("key.pem")?.mode, 0o600);
  const single = await unzip((await openBundle(actor, hostCert.id, {})).zip);
  assert.deepEqual([...server.keys()].sort(), [...folder(single, "docker1").keys()].sort());
  assert.equal(server.get("cert.pem")?.content, folder(single, "docker1").get("cert.pem")?.content);

  const client = folder(entries, "docker1-2");
  assert.ok(client.has("env-docker1.sh") && client.has("key.pem") && !client.has("install.sh"));
  assert.equal(
    client.get("cert.pem")?.content.trim(),
    twinCert.certPem.trim().split(/(?<=-----END CERTIFICATE-----)/)[0],
  );

  // Three in the set, one more for the single bundle above.
  assert.equal(await db.auditEvent.count({ where: { action: "cert.download" } }), before + 4);
});

test("unknown ids are refused with how many, before anything is opened", async () => {
  const before = await db.auditEvent.count({ where: { action: "cert.download" } });
  await assert.rejects(openBundleSet(actor, [hostCert.id, "nope", "00000000-0000-4000-8000-000000000000"]), {
    name: "NotFoundError",
    message: "2 of the 3 certificates asked for do not exist.",
  });
  await assert.rejects(openBundleSet(actor, []), { name: "InputError", message: /at least one/ });
  const tooMany = Array.from({ length: MAX_BUNDLES_PER_ZIP + 1 }, (_, i) => `id-${i}`);
  await assert.rejects(openBundleSet(actor, tooMany), { name: "InputError", message: /at most 500 bundles, and 501/ });
  assert.equal(await db.auditEvent.count({ where: { action: "cert.download" } }), before);
});

test("superseded, revoked and CSR certificates are refused by serial", async () => {
  const replaced = await reissueCertificate(actor, runnerCert.id);
  await assert.rejects(openBundleSet(actor, [replaced.id, runnerCert.id]), {
    name: "ConflictError",
    message: new RegExp(`1 certificate is no longer current .*: ${runnerCert.serial}\\.`),
  });
  await revokeCertificate(actor, twinCert.id, "superseded");
  await assert.rejects(openBundleSet(actor, [twinCert.id]), { name: "ConflictError", message: /no longer current/ });

  const laptop = await createClient(actor, { name: "laptop", kind: "person", notes: "" });
  const csrCert = await issueClientCertificate(actor, laptop.id, { csrPem: makeCsr() });
  await assert.rejects(openBundleSet(actor, [replaced.id, csrCert.id]), {
    name: "ConflictError",
    message: new RegExp(`key was made on the host or client itself .* no key to ship: ${csrCert.serial}\\.`),
  });
  // The rest is fine on its own.
  const { count } = await openBundleSet(actor, [replaced.id, hostCert.id]);
  assert.equal(count, 2);
});
