import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// A key revoked for keyCompromise is known to someone else: nothing may sign it again.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient } = await import("@/lib/inventory/clients");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { reissueCertificate } = await import("@/lib/certificates/reissue");
const { revokeCertificate } = await import("@/lib/certificates/revocations");
const { spkiSha256 } = await import("@/lib/pki/keys");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

await createCertificateAuthority(actor, {
  commonName: "Compromise CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});

function makeCsr(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-csr-"));
  execFileSync(
    "openssl",
    ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=x", "-keyout", "k.pem", "-out", "r.csr"],
    {
      cwd: dir,
      stdio: "ignore",
    },
  );
  return readFileSync(path.join(dir, "r.csr"), "utf8");
}

test("a CSR certificate revoked for keyCompromise cannot be re-issued, nor its key signed again", async () => {
  const client = await createClient(actor, { name: "laptop", kind: "person", notes: "" });
  const csrPem = makeCsr();
  const first = await issueClientCertificate(actor, client.id, { csrPem });
  // An ordinary re-issue of a CSR certificate signs the same key again, which is fine until the key leaks.
  const second = await reissueCertificate(actor, first.id);
  assert.equal(spkiSha256(second.certPem), spkiSha256(first.certPem));

  const { alsoRevoked } = await revokeCertificate(actor, second.id, "keyCompromise");
  assert.equal(alsoRevoked, 1, "the superseded certificate with the same key is revoked too");
  assert.equal((await db.certificate.findUniqueOrThrow({ where: { id: first.id } })).status, "revoked");

  await assert.rejects(reissueCertificate(actor, second.id), {
    name: "InputError",
    message: /revoked because its key was compromised.*new CSR/,
  });
  await assert.rejects(issueClientCertificate(actor, client.id, { csrPem }), {
    name: "InputError",
    message: /belongs to certificate [0-9a-f]+, which was revoked because its key was compromised/,
  });
  const fresh = await issueClientCertificate(actor, client.id, { csrPem: makeCsr() });
  assert.notEqual(spkiSha256(fresh.certPem), spkiSha256(first.certPem));
});

test("a server-made key revoked for keyCompromise is re-issued with a new key", async () => {
  const host = await createHost(actor, hostCreateSchema.parse({ name: "leaky", dnsNames: ["leaky.example.com"] }));
  const cert = await issueHostCertificate(actor, host.id, {});
  await revokeCertificate(actor, cert.id, "keyCompromise");
  const next = await reissueCertificate(actor, cert.id);
  assert.notEqual(spkiSha256(next.certPem), spkiSha256(cert.certPem));
  const stored = await db.certificate.findUniqueOrThrow({ where: { id: next.id } });
  assert.equal(stored.publicKeySha256, spkiSha256(next.certPem));
});
