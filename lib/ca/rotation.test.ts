import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// A rotation as an admin walks it, checked at each step against what dockpki says is left.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority, getCaOverview, retireCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient } = await import("@/lib/inventory/clients");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { openBundle, openPkcs12 } = await import("@/lib/certificates/downloads");
const { reissueCertificate } = await import("@/lib/certificates/reissue");
const { getRotationProgress, hostIdsNeedingNewBundle, hostsNeedingNewBundle } = await import("@/lib/ca/rotation");
const { trustedCrls } = await import("@/lib/certificates/revocations");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const caInput = (commonName: string) => ({
  commonName,
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048 as const,
  days: 365,
});
const host = (name: string) => hostCreateSchema.parse({ name, dnsNames: [`${name}.example.com`] });
const download = async (certificateId: string) => {
  const { zip } = await openBundle(actor, certificateId, {});
  for await (const _ of zip) {
    // drain: the zip is built as it is read
  }
};

test("a rotation, step by step: both CAs everywhere, re-issue, retire, and the hosts that still trust the old CA", async () => {
  const oldCa = await createCertificateAuthority(actor, caInput("Old CA"));
  const [h1, h2] = [await createHost(actor, host("h1")), await createHost(actor, host("h2"))];
  const c1 = await createClient(actor, { name: "c1", kind: "person", notes: "" });
  const certs = {
    h1: await issueHostCertificate(actor, h1.id, {}),
    h2: await issueHostCertificate(actor, h2.id, {}),
    c1: await issueClientCertificate(actor, c1.id, {}),
  };
  await download(certs.h1.id);
  await download(certs.c1.id);
  assert.deepEqual(JSON.parse((await db.host.findUniqueOrThrow({ where: { id: h1.id } })).bundleCaIds ?? ""), [
    oldCa.id,
  ]);

  const newCa = await createCertificateAuthority(actor, caInput("New CA"), "rotate");
  let progress = await getRotationProgress(newCa.id, oldCa.id);
  assert.equal(progress.unvouched, false, "the old CA vouches for the new one");
  assert.deepEqual([progress.trust.hosts, progress.trust.clients, progress.reissue.certificates], [2, 1, 3]);
  assert.equal((await trustedCrls()).match(/BEGIN X509 CRL/g)?.length, 2, "crl.pem holds both CAs' CRLs");

  // Step 1: the current bundles, downloaded now, carry both CAs.
  for (const cert of Object.values(certs)) await download(cert.id);
  progress = await getRotationProgress(newCa.id, oldCa.id);
  assert.deepEqual([progress.trust.hosts, progress.trust.clients], [0, 0]);
  assert.equal(progress.trustingPrevious.hosts, 2);

  // Step 2: re-issue; the new bundles are not installed yet.
  await assert.rejects(retireCertificateAuthority(actor, oldCa.id), {
    name: "ConflictError",
    details: { dependents: 3 },
  });
  const renewed = {
    h1: await reissueCertificate(actor, certs.h1.id),
    h2: await reissueCertificate(actor, certs.h2.id),
    c1: await reissueCertificate(actor, certs.c1.id),
  };
  // What the new CA issues meanwhile carries the cross certificate after the leaf, so peers whose
  // ca.pem holds only the old CA accept it (leaf -> cross -> old CA).
  const crossPem = (await db.certificateAuthority.findUniqueOrThrow({ where: { id: newCa.id } })).crossCertPem;
  assert.ok(crossPem);
  for (const cert of Object.values(renewed)) {
    assert.equal(cert.certPem.split("BEGIN CERTIFICATE").length - 1, 2, "leaf and cross certificate");
    assert.ok(cert.certPem.endsWith(crossPem));
    assert.ok(verifiesWith(oldCa.certPem, cert.certPem, cert.kind === "server" ? "sslserver" : "sslclient"));
  }
  assert.ok(!verifiesWith(oldCa.certPem, renewed.c1.certPem.replace(crossPem, ""), "sslclient"));
  // a .p12 holds the leaf and the new CA, not the cross certificate (a second one with the CA's subject)
  const p12 = await openPkcs12(actor, renewed.c1.id, { passphrase: "correct horse battery" });
  const p12Dir = mkdtempSync(path.join(tmpdir(), "dockpki-rotation-p12-"));
  writeFileSync(path.join(p12Dir, "c.p12"), p12.p12);
  const listed = spawnSync("openssl", ["pkcs12", "-in", "c.p12", "-nokeys", "-passin", "pass:correct horse battery"], {
    cwd: p12Dir,
    encoding: "utf8",
  }).stdout;
  rmSync(p12Dir, { recursive: true, force: true });
  assert.equal(listed.match(/BEGIN CERTIFICATE/g)?.length, 2, "leaf and CA");
  progress = await getRotationProgress(newCa.id, oldCa.id);
  assert.deepEqual([progress.reissue.certificates, progress.install.hosts, progress.install.clients], [0, 2, 1]);
  await download(renewed.h1.id);
  progress = await getRotationProgress(newCa.id, oldCa.id);
  assert.equal(progress.install.hosts, 1);

  // Step 3: retire. Both hosts' ca.pem still holds the old CA, so both still let its clients in.
  const retired = await retireCertificateAuthority(actor, oldCa.id);
  assert.equal(retired.hostsStillTrusting, 2);
  const needing = await hostsNeedingNewBundle();
  assert.deepEqual(
    needing.hosts.map((h) => h.name),
    ["h1", "h2"],
  );
  assert.equal((await getCaOverview()).previous, null);

  // An old certificate's bundle would carry a ca.pem without its issuer: gone, as for revoked ones.
  await assert.rejects(download(certs.h2.id), { name: "GoneError", message: /retired CA/ });
  await download(renewed.h2.id);
  await download(renewed.h1.id);
  assert.equal((await hostIdsNeedingNewBundle([h1.id, h2.id])).size, 0);
  assert.deepEqual(JSON.parse((await db.host.findUniqueOrThrow({ where: { id: h2.id } })).bundleCaIds ?? ""), [
    newCa.id,
  ]);
  // once the old CA is retired, nothing needs the cross certificate
  const after = await reissueCertificate(actor, renewed.c1.id);
  assert.equal(after.certPem.split("BEGIN CERTIFICATE").length - 1, 1);
});

/** Whether openssl verifies the leaf of `certPem` against `caPem` alone, with the rest of `certPem` as its chain. */
function verifiesWith(caPem: string, certPem: string, purpose: string): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-rotation-"));
  try {
    writeFileSync(path.join(dir, "ca.pem"), caPem);
    writeFileSync(path.join(dir, "cert.pem"), certPem);
    const args = ["verify", "-CAfile", "ca.pem", "-untrusted", "cert.pem", "-purpose", purpose, "cert.pem"];
    return spawnSync("openssl", args, { cwd: dir }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a host with a certificate from before the retirement and no record of its bundle counts as needing one", async () => {
  const legacy = await createHost(actor, host("legacy"));
  await db.host.update({ where: { id: legacy.id }, data: { bundleCaIds: null } });
  const oldCert = await db.certificate.findFirstOrThrow({ where: { hostId: { not: null } } });
  await db.certificate.create({
    data: {
      ...oldCert,
      id: crypto.randomUUID(),
      hostId: legacy.id,
      serial: "7e01",
      fingerprint: "f-legacy",
      createdAt: new Date(0),
    },
  });
  assert.ok((await hostIdsNeedingNewBundle([legacy.id])).has(legacy.id));
});

test("the retire confirmation counts the same hosts the overview names afterwards, unrecorded ones included", async () => {
  const current = await db.certificateAuthority.findFirstOrThrow({ where: { status: "active" } });
  const unrecorded = await createHost(actor, host("unrecorded"));
  await issueHostCertificate(actor, unrecorded.id, {});
  const successor = await createCertificateAuthority(actor, caInput("Third CA"), "rotate");
  for (const cert of await db.certificate.findMany({ where: { caId: current.id, status: "active" } })) {
    await reissueCertificate(actor, cert.id);
  }
  const progress = await getRotationProgress(successor.id, current.id);
  const retired = await retireCertificateAuthority(actor, current.id);
  const named = await hostsNeedingNewBundle(100);
  assert.equal(progress.trustingPrevious.hosts, retired.hostsStillTrusting);
  assert.equal(retired.hostsStillTrusting, named.count);
  assert.ok(named.hosts.some((h) => h.name === "unrecorded"));
});

test("a certificate whose CA was retired while it was being made is not stored", async () => {
  const current = await db.certificateAuthority.findFirstOrThrow({ where: { status: "active" } });
  await createCertificateAuthority(actor, caInput("Fourth CA"), "rotate");
  const holder = await createClient(actor, { name: "racing", kind: "ci", notes: "" });
  // signed by the previous CA, with an RSA-4096 key whose making leaves time for another instance's retirement
  const issuing = issueClientCertificate(actor, holder.id, { keyType: "rsa", keySize: 4096 }, { caId: current.id });
  await new Promise((r) => setTimeout(r, 50));
  await db.certificateAuthority.update({ where: { id: current.id }, data: { status: "retired" } });
  await assert.rejects(issuing, { name: "ConflictError", message: /The CA changed while this certificate was made/ });
  assert.equal(await db.certificate.count({ where: { clientId: holder.id } }), 0);
});
