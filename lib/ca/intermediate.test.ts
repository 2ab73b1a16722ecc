import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { judgeBundles, skipWithoutDocker } from "@/lib/test-support/docker-judge";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { extract } from "@/lib/test-support/zip";

// An offline root: the root lives in an openssl directory of its own (its key never reaches
// dockpki), the issuing CA's key is made by dockpki, and the signing command dockpki prints is run
// as printed. The bundles are then judged by the real dockerd, chains both ways.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { activateIntermediate, getPendingIntermediate, requestIntermediate } = await import("@/lib/ca/intermediate");
const { getCaOverview, retireCertificateAuthority } = await import("@/lib/ca/cas");
const { intermediateRequestSchema } = await import("@/lib/ca/ca.schema");
const { createClient } = await import("@/lib/inventory/clients");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { openBundle, openPkcs12 } = await import("@/lib/certificates/downloads");
const { reissueCertificate } = await import("@/lib/certificates/reissue");
const { getRotationProgress } = await import("@/lib/ca/rotation");
const { InputError } = await import("@/lib/errors");
const { unvouchedRotation } = await import("@/lib/ca/rotation");
const { createEnrollment, enroll } = await import("@/lib/renewal/enrollment");
const { renewCertificate } = await import("@/lib/renewal/renew");
const { renewCanonical } = await import("@/lib/renewal/proof");
const { getSettings, saveSettings } = await import("@/lib/settings");

const actor = { kind: "cli" } as const;
const root = mkdtempSync(join(tmpdir(), "dockpki-offline-root-"));
after(async () => {
  await db.$disconnect();
  env.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const openssl = (args: string[], cwd = root) => execFileSync("openssl", args, { cwd, encoding: "utf8", stdio: "pipe" });
function makeRoot(name: string, extensions = ""): string {
  writeFileSync(
    join(root, `${name}.cnf`),
    `[req]\ndistinguished_name=dn\nx509_extensions=v3\nprompt=no\n[dn]\nCN=${name}\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n${extensions}`,
  );
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", `${name}-key.pem`]);
  openssl([
    "req",
    "-new",
    "-x509",
    "-key",
    `${name}-key.pem`,
    "-config",
    `${name}.cnf`,
    "-days",
    "3650",
    "-out",
    `${name}.pem`,
  ]);
  return readFileSync(join(root, `${name}.pem`), "utf8");
}

/** Runs dockpki's signing command as printed, with root.pem / root-key.pem being the given root. */
function signAsPrinted(command: string, csrPem: string, rootName: string): string {
  writeFileSync(join(root, "intermediate.csr"), csrPem);
  writeFileSync(join(root, "root.pem"), readFileSync(join(root, `${rootName}.pem`)));
  writeFileSync(join(root, "root-key.pem"), readFileSync(join(root, `${rootName}-key.pem`)));
  execFileSync("sh", ["-euc", command], { cwd: root, stdio: "pipe" });
  return readFileSync(join(root, "intermediate.pem"), "utf8");
}

async function refusal(promise: Promise<unknown>): Promise<{ field: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return { field: Object.keys(err.fieldErrors)[0], message: err.message };
  }
  assert.fail("accepted");
}

const host = (name: string) => hostCreateSchema.parse({ name, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });

test("an issuing CA under an offline root: request, sign as printed, refusals, activate, chained bundles", {
  timeout: 600_000,
}, async (t) => {
  const rootPem = makeRoot("root");
  const otherRootPem = makeRoot("other-root");
  const request = await requestIntermediate(
    actor,
    intermediateRequestSchema.parse({ commonName: "Docker Issuing CA 1" }),
  );
  assert.match(request.csrPem, /^-----BEGIN CERTIFICATE REQUEST-----/);
  assert.match(request.opensslCommand, /CA:TRUE, pathlen:0/);
  assert.match(request.opensslCommand, /keyCertSign, cRLSign/);
  // the CSR is well-formed and self-signed with the new key (ECDSA P-256 by default)
  writeFileSync(join(root, "check.csr"), request.csrPem);
  assert.match(openssl(["req", "-in", "check.csr", "-verify", "-noout"]), /verify OK|^$/);
  assert.match(
    openssl(["req", "-in", "check.csr", "-noout", "-text"]),
    /ASN1 OID: prime256v1[\s\S]*CN ?= ?Docker Issuing CA 1|CN ?= ?Docker Issuing CA 1[\s\S]*prime256v1/,
  );
  assert.equal((await getPendingIntermediate())?.commonName, "Docker Issuing CA 1");

  const signed = signAsPrinted(request.opensslCommand, request.csrPem, "root");
  // refused: the chain to another root; a certificate for another key; a leaf that is no CA; a root that is no root
  assert.deepEqual(
    (await refusal(activateIntermediate(actor, { certPem: signed, rootPem: otherRootPem }))).field,
    "certPem",
  );
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "stray-key.pem"]);
  openssl(["req", "-new", "-key", "stray-key.pem", "-subj", "/CN=stray", "-out", "stray.csr"]);
  const stray = signAsPrinted(request.opensslCommand, readFileSync(join(root, "stray.csr"), "utf8"), "root");
  assert.match(
    (await refusal(activateIntermediate(actor, { certPem: stray, rootPem }))).message,
    /not for the key dockpki is waiting for/,
  );
  writeFileSync(join(root, "leaf.ext"), "basicConstraints=critical,CA:FALSE\n");
  writeFileSync(join(root, "intermediate.csr"), request.csrPem);
  openssl([
    "x509",
    "-req",
    "-in",
    "intermediate.csr",
    "-CA",
    "root.pem",
    "-CAkey",
    "root-key.pem",
    "-CAcreateserial",
    "-days",
    "30",
    "-extfile",
    "leaf.ext",
    "-out",
    "not-ca.pem",
  ]);
  assert.match(
    (await refusal(activateIntermediate(actor, { certPem: readFileSync(join(root, "not-ca.pem"), "utf8"), rootPem })))
      .message,
    /not a CA/,
  );
  assert.equal((await refusal(activateIntermediate(actor, { certPem: signed, rootPem: signed }))).field, "rootPem");
  assert.equal(await db.certificateAuthority.count(), 0, "nothing was stored by a refused activation");

  const { ca, mode } = await activateIntermediate(actor, { certPem: signed, rootPem });
  assert.equal(mode, "first");
  assert.equal(ca.keyType, "ecdsa-p256");
  assert.equal(await getPendingIntermediate(), null, "the request is used up");
  const overview = await getCaOverview();
  assert.equal(overview.bundleCaPem.trim(), rootPem.trim(), "ca.pem is the root, and only the root");

  const h = await createHost(actor, host("chain-host"));
  const c = await createClient(actor, { name: "chain-client", kind: "person", notes: "" });
  const server = await issueHostCertificate(actor, h.id, { keyType: "rsa", keySize: 2048 });
  const client = await issueClientCertificate(actor, c.id, {});
  assert.equal(server.certPem.match(/BEGIN CERTIFICATE/g)?.length, 2, "cert.pem: leaf, then the intermediate");
  assert.ok(server.certPem.endsWith(ca.certPem), "the intermediate follows the leaf");
  // openssl: the leaf verifies against the root with the intermediate from cert.pem
  writeFileSync(join(root, "server-chain.pem"), server.certPem);
  assert.match(openssl(["verify", "-CAfile", "root.pem", "-untrusted", "server-chain.pem", "server-chain.pem"]), /OK/);
  // the .p12 carries the chain up to the root
  const p12 = await openPkcs12(actor, client.id, { passphrase: "correct horse battery" });
  writeFileSync(join(root, "client.p12"), p12.p12);
  const info = openssl(["pkcs12", "-in", "client.p12", "-nokeys", "-passin", "pass:correct horse battery"]);
  assert.equal(info.match(/BEGIN CERTIFICATE/g)?.length, 3, "leaf, intermediate, root");

  const skip = skipWithoutDocker();
  if (skip) {
    t.skip(skip);
  } else {
    const dir = mkdtempSync(join(tmpdir(), "dockpki-chain-judge-"));
    try {
      const serverDir = join(await extract((await openBundle(actor, server.id, {})).zip, dir), "chain-host");
      const clientDir = join(await extract((await openBundle(actor, client.id, {})).zip, dir), "chain-client");
      const { own, second } = await judgeBundles(serverDir, clientDir, "--timeout", "90");
      assert.equal(own.status, 0, own.output);
      if (second) assert.equal(second.status, 0, second.output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // re-keying the intermediate under the same root: a rotation that needs no new ca.pem anywhere
  const again = await requestIntermediate(
    actor,
    intermediateRequestSchema.parse({ commonName: "Docker Issuing CA 2", keyType: "ecdsa-p384" }),
  );
  const next = await activateIntermediate(actor, {
    certPem: signAsPrinted(again.opensslCommand, again.csrPem, "root"),
    rootPem,
  });
  assert.equal(next.mode, "rotate");
  const rotating = await getCaOverview();
  assert.equal(rotating.bundleCaPem.trim(), rootPem.trim(), "the root once: both issuing CAs chain to it");
  assert.equal(rotating.previous?.id, ca.id);
  const progress = await getRotationProgress(next.ca.id, ca.id);
  assert.deepEqual(
    [progress.trust.hosts, progress.trust.clients],
    [0, 0],
    "everyone already trusts the new issuing CA",
  );
  assert.equal(progress.reissue.certificates, 2);
  for (const cert of [server, client]) await reissueCertificate(actor, cert.id, {});
  const retired = await retireCertificateAuthority(actor, ca.id);
  assert.equal(retired.hostsStillTrusting, 0, "no host needs a new bundle: the root stays");
});

test("a root's name constraints bind what its issuing CA signs: a host outside them is refused before issuing", async () => {
  // the hosts recorded so far are localhost / 127.0.0.1, inside the constraints: activation passes
  const rootPem = makeRoot(
    "constrained",
    "nameConstraints=critical,permitted;DNS:localhost,permitted;IP:127.0.0.0/255.0.0.0\n",
  );
  const request = await requestIntermediate(
    actor,
    intermediateRequestSchema.parse({ commonName: "Constrained Issuing CA", keyType: "ecdsa-p256" }),
  );
  const activated = await activateIntermediate(actor, {
    certPem: signAsPrinted(request.opensslCommand, request.csrPem, "constrained"),
    rootPem,
  });
  const inside = await createHost(actor, host("inside"));
  const cert = await issueHostCertificate(actor, inside.id, {});
  writeFileSync(join(root, "inside-chain.pem"), cert.certPem);
  assert.match(
    openssl(["verify", "-CAfile", "constrained.pem", "-untrusted", "inside-chain.pem", "inside-chain.pem"]),
    /OK/,
  );
  // the intermediate carries no constraints of its own; Go checks the root's too
  const outside = await createHost(
    actor,
    hostCreateSchema.parse({ name: "outside", dnsNames: ["outside.example.com"], ipAddresses: ["127.0.0.2"] }),
  );
  const refused = await refusal(issueHostCertificate(actor, outside.id, {}));
  assert.equal(refused.field, "dnsNames");
  assert.match(refused.message, /^The root CA's name constraints do not allow outside\.example\.com,/);
  assert.equal(
    await db.certificate.count({ where: { hostId: outside.id } }),
    0,
    `nothing was issued under ${activated.ca.commonName}`,
  );
});

/** A P-256 key made the way the agent makes it, and its CSR as base64 DER. */
function agentKey(name: string): { keyPem: string; csr: string } {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
  const der = execFileSync(
    "openssl",
    ["req", "-new", "-key", `${name}.key`, "-subj", `/CN=${name}`, "-outform", "DER"],
    {
      cwd: root,
    },
  );
  return { keyPem: readFileSync(join(root, `${name}.key`), "utf8"), csr: der.toString("base64") };
}

function renewal(serial: string, keyPem: string, csr: string) {
  const time = Math.floor(Date.now() / 1000);
  const signature = sign("sha256", Buffer.from(renewCanonical(serial, time, Buffer.from(csr, "base64"))), keyPem);
  return { serial, time, csr, signature: signature.toString("base64") };
}

test("a rotation from an issuing CA to another root: no cross certificate, so renewals and enrollments stay under the old CA until every holder trusts both", async () => {
  // the last test rotated from an issuing CA under one root to one under another: nothing vouches for the new root
  const rotation = await unvouchedRotation();
  assert.ok(rotation, "an unvouched rotation while holders trust only the old root");
  const previousCaId = rotation.previousCaId;
  assert.equal((await getRotationProgress(rotation.activeCaId, previousCaId)).unvouched, true, "the CA page says so");
  await saveSettings(actor, { ...(await getSettings()), publicUrl: "http://127.0.0.1:3999" });

  // enrollment: both CAs to trust, a certificate every peer accepts (the old CA's)
  const joiner = await createClient(actor, { name: "joiner", kind: "ci", notes: "" });
  const { token } = await createEnrollment(actor, { kind: "client", id: joiner.id });
  const joinerKey = agentKey("joiner");
  const enrolled = await enroll({ token, csr: joinerKey.csr }, null);
  assert.equal(enrolled.certificate.caId, previousCaId);
  assert.equal(enrolled.caPems.length, 2);
  assert.deepEqual(enrolled.crossPems, []);
  // it trusts both now, so it renews, still under the old CA
  const renewedJoiner = await renewCertificate(
    renewal(enrolled.certificate.serial, joinerKey.keyPem, agentKey("joiner-2").csr),
  );
  assert.equal(renewedJoiner.certificate.caId, previousCaId);

  // an agent whose ca.pem holds only the old root is refused before anything changes
  const old = await createClient(actor, { name: "old-agent", kind: "ci", notes: "" });
  const oldKey = agentKey("old-agent");
  const csrPem = `-----BEGIN CERTIFICATE REQUEST-----\n${oldKey.csr.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
  const oldCert = await issueClientCertificate(actor, old.id, { csrPem }, { caId: previousCaId });
  await assert.rejects(renewCertificate(renewal(oldCert.serial, oldKey.keyPem, agentKey("old-agent-2").csr)), {
    name: "ForbiddenError",
    message:
      /^old-agent cannot renew during this CA rotation yet: its ca\.pem lacks Constrained Issuing CA, .*Enroll it again/,
  });
  const kept = await db.certificate.findUniqueOrThrow({ where: { id: oldCert.id }, select: { status: true } });
  assert.equal(kept.status, "active", "its certificate was not replaced");

  // once every host and client has a bundle with both CAs, the new CA issues
  const both = JSON.stringify([rotation.activeCaId, previousCaId]);
  await db.host.updateMany({ data: { bundleCaIds: both } });
  await db.client.updateMany({ data: { bundleCaIds: both } });
  assert.equal(await unvouchedRotation(), null);
  const renewed = await renewCertificate(renewal(oldCert.serial, oldKey.keyPem, agentKey("old-agent-3").csr));
  assert.equal(renewed.certificate.caId, rotation.activeCaId);
});
