import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// Every refusal POST /api/v1/renew promises, each against a real issuance through the dashboard's
// own signing path; the requests are made and signed the way the agent makes them (openssl).
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient, updateClient } = await import("@/lib/inventory/clients");
const { createHost } = await import("@/lib/inventory/hosts");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { revokeCertificate } = await import("@/lib/certificates/revocations");
const { reissueCertificate } = await import("@/lib/certificates/reissue");
const { renewCertificate } = await import("@/lib/renewal/renew");
const { recordAgentReport } = await import("@/lib/renewal/report");
const { renewCanonical, reportCanonical } = await import("@/lib/renewal/proof");
const { createEnrollment, enroll, findEnrollment } = await import("@/lib/renewal/enrollment");
const { saveSettings, getSettings } = await import("@/lib/settings");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

await createCertificateAuthority(actor, {
  commonName: "Renewal CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});
await saveSettings(actor, { ...(await getSettings()), publicUrl: "http://127.0.0.1:3999", leafKeySize: 2048 });

const work = mkdtempSync(path.join(tmpdir(), "dockpki-renew-"));
let n = 0;

/** A key and a CSR for it, as the agent makes them; the CSR as base64 DER. */
function newKey(): { keyPem: string; csr: string } {
  n += 1;
  const key = path.join(work, `k${n}.pem`);
  const der = execFileSync(
    "openssl",
    ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=anything", "-keyout", key, "-outform", "DER"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  return { keyPem: readFileSync(key, "utf8"), csr: der.toString("base64") };
}

/** An ECDSA key on a curve (P-256, P-384) and a CSR for it. */
function newEcKey(namedCurve: string): { keyPem: string; csr: string } {
  const keyPem = generateKeyPairSync("ec", { namedCurve }).privateKey.export({ type: "pkcs8", format: "pem" });
  return { keyPem: keyPem.toString(), csr: csrFor(keyPem.toString()) };
}

/** A CSR for an existing key. */
function csrFor(keyPem: string): string {
  const key = path.join(work, `existing${++n}.pem`);
  writeFileSync(key, keyPem);
  return execFileSync("openssl", ["req", "-new", "-key", key, "-subj", `/CN=x${n}`, "-outform", "DER"], {
    stdio: ["ignore", "pipe", "ignore"],
  }).toString("base64");
}

const pemCsr = (der: string) =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${der.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;

/** The same P-256 signature written with n - s for s: it verifies as well (ECDSA's malleability). */
function negateEcdsaS(der: Buffer): Buffer {
  const n = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  const int = (at: number) => ({ value: der.subarray(at + 2, at + 2 + der[at + 1]), end: at + 2 + der[at + 1] });
  const r = int(2);
  const s = int(r.end);
  const encode = (v: Buffer) => Buffer.concat([Buffer.from([0x02, v.length]), v]);
  let negated = (n - BigInt(`0x${s.value.toString("hex")}`)).toString(16);
  if (negated.length % 2) negated = `0${negated}`;
  let bytes = Buffer.from(negated, "hex");
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  const body = Buffer.concat([encode(r.value), encode(bytes)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const now = () => Math.floor(Date.now() / 1000);

function request(serial: string, keyPem: string, csr: string, time = now()) {
  const signature = sign("sha256", Buffer.from(renewCanonical(serial, time, Buffer.from(csr, "base64"))), keyPem);
  return { serial, time, csr, signature: signature.toString("base64") };
}

/** A client whose first certificate came from a CSR, so this test holds its key. */
async function enrolledClient(name: string) {
  const client = await createClient(actor, { name, kind: "ci", notes: "" });
  const first = newKey();
  const cert = await issueClientCertificate(actor, client.id, { csrPem: pemCsr(first.csr) });
  return { client, cert, keyPem: first.keyPem };
}

const refusal = (status: string, message: RegExp) => (err: unknown) => {
  assert.equal((err as Error).name, status);
  assert.match((err as Error).message, message);
  return true;
};

describe("renewCertificate", () => {
  test("renews with a new key: names from the inventory, short lifetime, old one superseded, audited", async () => {
    const { client, cert, keyPem } = await enrolledClient("ci-1");
    const next = newKey();
    const answer = await renewCertificate(request(cert.serial, keyPem, next.csr), "127.0.0.9");
    assert.notEqual(answer.certificate.serial, cert.serial);
    assert.equal(answer.certificate.commonName, "ci-1");
    assert.equal(answer.caPems.length, 1);
    const x509 = new X509Certificate(answer.certificate.certPem);
    const days = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `7-day client lifetime when renewal is on, got ${days}`);
    const old = await db.certificate.findUniqueOrThrow({ where: { id: cert.id } });
    assert.equal(old.status, "superseded");
    assert.equal(old.supersededById, answer.certificate.id);
    const stored = await db.certificate.findUniqueOrThrow({ where: { id: answer.certificate.id } });
    assert.equal(stored.keySealed, null, "the dashboard never held the new key");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "cert.renew" } });
    assert.equal(audit.actor, "client:ci-1");
    assert.equal(audit.ip, "127.0.0.9");
    // What it trusts is recorded once its agent reports the renewal installed.
    assert.notEqual(
      (await db.client.findUniqueOrThrow({ where: { id: client.id } })).bundleCertificateId,
      answer.certificate.id,
    );
    const report = {
      serial: answer.certificate.serial,
      time: now(),
      outcome: "ok" as const,
      servedSerial: "",
      message: "",
    };
    const signature = sign("sha256", Buffer.from(reportCanonical(report)), next.keyPem).toString("base64");
    await recordAgentReport({ ...report, signature }, null);
    const holder = await db.client.findUniqueOrThrow({ where: { id: client.id } });
    assert.equal(holder.bundleCertificateId, answer.certificate.id, "records the ca.pem it installed");
    assert.equal(holder.bundleCaIds, JSON.stringify([answer.certificate.caId]));
  });

  test("refuses a replay, clock skew, a wrong key, a tampered signature and an unknown serial", async () => {
    const { cert, keyPem } = await enrolledClient("ci-2");
    const other = newKey();
    const req = request(cert.serial, keyPem, newKey().csr);
    await assert.rejects(
      renewCertificate({ ...req, time: req.time - 301 }),
      refusal("UnauthorizedError", /seconds away/),
    );
    await assert.rejects(
      renewCertificate(request(cert.serial, keyPem, newKey().csr, now() + 400)),
      refusal("UnauthorizedError", /seconds away/),
    );
    await assert.rejects(
      renewCertificate(request(cert.serial, other.keyPem, newKey().csr)),
      refusal("UnauthorizedError", /not made with the key/),
    );
    const tampered = Buffer.from(req.signature, "base64");
    tampered[10] ^= 1;
    await assert.rejects(
      renewCertificate({ ...req, signature: tampered.toString("base64") }),
      refusal("UnauthorizedError", /not made with the key/),
    );
    // a CSR swapped under a valid signature
    await assert.rejects(renewCertificate({ ...req, csr: other.csr }), refusal("UnauthorizedError", /not made/));
    await assert.rejects(
      renewCertificate(request("7f".repeat(16), keyPem, newKey().csr)),
      refusal("UnauthorizedError", /no certificate with serial/),
    );
    const first = await renewCertificate(req);
    assert.ok(first.certificate.serial);
    await assert.rejects(renewCertificate(req), refusal("UnauthorizedError", /already used/));
  });

  test("refuses a replay whose ECDSA signature was re-encoded (s negated: as valid, other bytes)", async () => {
    const client = await createClient(actor, { name: "ci-ec-replay", kind: "ci", notes: "" });
    const first = newEcKey("prime256v1");
    const cert = await issueClientCertificate(actor, client.id, { csrPem: pemCsr(first.csr) });
    const req = request(cert.serial, first.keyPem, newEcKey("prime256v1").csr);
    const twin = { ...req, signature: negateEcdsaS(Buffer.from(req.signature, "base64")).toString("base64") };
    assert.notEqual(twin.signature, req.signature);
    await renewCertificate(req);
    await assert.rejects(renewCertificate(twin), refusal("UnauthorizedError", /already used/));
  });

  test("a certificate re-issued for the same key (a CA rotation's re-issue) renews through the key its agent holds", async () => {
    const { cert, keyPem } = await enrolledClient("ci-reissued");
    const reissued = await reissueCertificate(actor, cert.id);
    assert.notEqual(reissued.serial, cert.serial);
    // the agent still has the first certificate installed, and proves that key
    const answer = await renewCertificate(request(cert.serial, keyPem, newKey().csr));
    const replaced = await db.certificate.findUniqueOrThrow({ where: { id: reissued.id } });
    assert.deepEqual([replaced.status, replaced.supersededById], ["superseded", answer.certificate.id]);
    // a certificate superseded by a renewal (another key) still cannot renew
    await assert.rejects(
      renewCertificate(request(cert.serial, keyPem, newKey().csr)),
      refusal("ForbiddenError", /already replaced/),
    );
  });

  test("refuses superseded, revoked and expired certificates, renewal off and a deleted holder", async () => {
    const a = await enrolledClient("ci-3");
    await renewCertificate(request(a.cert.serial, a.keyPem, newKey().csr));
    await assert.rejects(
      renewCertificate(request(a.cert.serial, a.keyPem, newKey().csr)),
      refusal("ForbiddenError", /already replaced/),
    );

    const b = await enrolledClient("ci-4");
    await revokeCertificate(actor, b.cert.id, "cessationOfOperation");
    await assert.rejects(
      renewCertificate(request(b.cert.serial, b.keyPem, newKey().csr)),
      refusal("ForbiddenError", /revoked/),
    );

    const c = await enrolledClient("ci-5");
    await db.certificate.update({ where: { id: c.cert.id }, data: { notAfter: new Date(Date.now() - 1000) } });
    await assert.rejects(
      renewCertificate(request(c.cert.serial, c.keyPem, newKey().csr)),
      refusal("ForbiddenError", /expired/),
    );

    const d = await enrolledClient("ci-6");
    await updateClient(actor, d.client.id, { renewalEnabled: false });
    await assert.rejects(
      renewCertificate(request(d.cert.serial, d.keyPem, newKey().csr)),
      refusal("ForbiddenError", /switched off/),
    );

    const e = await enrolledClient("ci-7");
    await db.client.delete({ where: { id: e.client.id } });
    await assert.rejects(
      renewCertificate(request(e.cert.serial, e.keyPem, newKey().csr)),
      refusal("ForbiddenError", /deleted/),
    );
  });

  test("refuses a CSR for the current key, for a compromised key, or for a weak key", async () => {
    const a = await enrolledClient("ci-8");
    await assert.rejects(
      renewCertificate(request(a.cert.serial, a.keyPem, csrFor(a.keyPem))),
      refusal("InputError", /reuses the current certificate's key/),
    );
    const leaked = await enrolledClient("ci-9");
    await revokeCertificate(actor, leaked.cert.id, "keyCompromise");
    await assert.rejects(
      renewCertificate(request(a.cert.serial, a.keyPem, csrFor(leaked.keyPem))),
      refusal("InputError", /compromised/),
    );
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    await assert.rejects(
      renewCertificate(request(a.cert.serial, a.keyPem, csrFor(weak.toString()))),
      refusal("InputError", /1024/),
    );
  });

  test("a certificate of a CA the dashboard no longer trusts may not renew (a foreign CA's serial is unknown, above)", async () => {
    const { cert, keyPem } = await enrolledClient("ci-10");
    // A certificate under a retired CA: rotate, re-point the old certificate's CA row at retired.
    await db.certificateAuthority.update({ where: { id: cert.caId }, data: { status: "retired" } });
    try {
      await assert.rejects(
        renewCertificate(request(cert.serial, keyPem, newKey().csr)),
        refusal("ForbiddenError", /no longer trusts/),
      );
    } finally {
      await db.certificateAuthority.update({ where: { id: cert.caId }, data: { status: "active" } });
    }
  });

  test("limits renewals per certificate", async () => {
    const { cert, keyPem } = await enrolledClient("ci-11");
    // Refused requests before the limit still count: six pass the proof and fail on the CSR.
    for (let i = 0; i < 6; i++) {
      await assert.rejects(renewCertificate(request(cert.serial, keyPem, csrFor(keyPem))), { name: "InputError" });
    }
    await assert.rejects(renewCertificate(request(cert.serial, keyPem, newKey().csr)), {
      name: "TooManyRequestsError",
    });
  });

  test("a host renewal takes today's inventory names, not the CSR's", async () => {
    const host = await createHost(actor, {
      name: "dock-a",
      dnsNames: ["dock-a.example.com"],
      ipAddresses: ["10.0.0.5"],
      port: 2376,
      configStyle: "systemd",
      keepUnixSocket: true,
      localAccess: false,
      tlsMode: "mtls",
      role: "standalone",
      labels: "",
      notes: "",
    });
    const first = newKey();
    const csrPem = `-----BEGIN CERTIFICATE REQUEST-----\n${first.csr.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
    const cert = await issueHostCertificate(actor, host.id, { csrPem });
    await db.host.update({ where: { id: host.id }, data: { ipAddresses: JSON.stringify(["10.0.0.6"]) } });
    const answer = await renewCertificate(request(cert.serial, first.keyPem, newKey().csr));
    assert.deepEqual(answer.certificate.ipAddresses, ["10.0.0.6"]);
    assert.match(new X509Certificate(answer.certificate.certPem).subjectAltName ?? "", /10\.0\.0\.6/);
    const x509 = new X509Certificate(answer.certificate.certPem);
    const days = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 86_400_000;
    assert.ok(days > 29.9 && days < 30.1, `30-day server lifetime when renewal is on, got ${days}`);
  });
});

describe("the key type a renewal makes", () => {
  // What dockpki-renew says it can make; the settings' key type is ECDSA P-256 (the default).
  const keyTypes = ["ecdsa-p256", "ecdsa-p384", "rsa"];
  const wants = (keyType: string, keySize: number, message: RegExp) => (err: unknown) => {
    assert.equal((err as Error).name, "ConflictError");
    assert.deepEqual((err as { details?: unknown }).details, { keyType, keySize });
    assert.match((err as Error).message, message);
    return true;
  };

  test("an agent that can make its holder's key type is asked for it (409) and then renews with it", async () => {
    const { cert, keyPem } = await enrolledClient("ci-14");
    await assert.rejects(
      renewCertificate({ ...request(cert.serial, keyPem, newKey().csr), keyTypes }),
      wants("ecdsa-p256", 256, /^ci-14 is to have an ECDSA P-256 key now, not RSA 2048; make the new key/),
    );
    assert.equal((await db.certificate.findUniqueOrThrow({ where: { id: cert.id } })).status, "active");
    const answer = await renewCertificate({ ...request(cert.serial, keyPem, newEcKey("P-256").csr), keyTypes });
    assert.equal(answer.certificate.keyType, "ecdsa-p256");
  });

  test("the holder's own key type comes before the settings', and an RSA size counts", async () => {
    const { client, cert, keyPem } = await enrolledClient("ci-15");
    await updateClient(actor, client.id, { keyType: "ecdsa-p384" });
    await assert.rejects(
      renewCertificate({ ...request(cert.serial, keyPem, newEcKey("P-256").csr), keyTypes }),
      wants("ecdsa-p384", 384, /ECDSA P-384 key now, not ECDSA P-256/),
    );
    const p384 = newEcKey("P-384");
    const answer = await renewCertificate({ ...request(cert.serial, keyPem, p384.csr), keyTypes });
    assert.equal(answer.certificate.keyType, "ecdsa-p384");
    await updateClient(actor, client.id, { keyType: "rsa" });
    const rsa3072 = generateKeyPairSync("rsa", { modulusLength: 3072 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    await assert.rejects(
      renewCertificate({ ...request(answer.certificate.serial, p384.keyPem, csrFor(rsa3072.toString())), keyTypes }),
      wants("rsa", 2048, /RSA 2048 key now, not RSA 3072/),
    );
  });

  test("an agent that does not say it can make that type keeps the key type it has", async () => {
    const older = await enrolledClient("ci-16");
    const renewed = await renewCertificate(request(older.cert.serial, older.keyPem, newKey().csr));
    assert.equal(renewed.certificate.keyType, "rsa");
    const newer = await enrolledClient("ci-17");
    const req = { ...request(newer.cert.serial, newer.keyPem, newKey().csr), keyTypes: ["rsa", "ml-dsa-65"] };
    assert.equal((await renewCertificate(req)).certificate.keyType, "rsa");
  });
});

describe("recordAgentReport", () => {
  test("records the outcome a valid signature reports, and refuses a forged one", async () => {
    const { client, cert, keyPem } = await enrolledClient("ci-12");
    const report = { serial: cert.serial, time: now(), outcome: "failed" as const, servedSerial: "", message: "x" };
    const signature = sign("sha256", Buffer.from(reportCanonical(report)), keyPem).toString("base64");
    await recordAgentReport({ ...report, signature }, null);
    const row = await db.client.findUniqueOrThrow({ where: { id: client.id } });
    assert.equal(row.agentReportOutcome, "failed");
    assert.equal(row.agentReportSerial, cert.serial);
    await assert.rejects(recordAgentReport({ ...report, message: "changed", signature }, null), {
      name: "UnauthorizedError",
    });
  });
});

describe("enrollment", () => {
  test("a token enrolls its holder once; the key stays with the machine", async () => {
    const client = await createClient(actor, { name: "laptop-1", kind: "person", notes: "" });
    const { token, command, expiresAt } = await createEnrollment(actor, { kind: "client", id: client.id });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(command, `curl -fsSL 'http://127.0.0.1:3999/enroll/${token}' | sh`);
    assert.ok(expiresAt.getTime() - Date.now() > 14 * 60_000);
    const stored = await db.enrollmentToken.findFirstOrThrow({ where: { clientId: client.id } });
    assert.notEqual(stored.tokenHash, token, "only the hash is stored");

    // a bad CSR does not spend the token
    await assert.rejects(enroll({ token, csr: Buffer.from("nonsense").toString("base64") }, null), {
      name: "InputError",
    });
    const answer = await enroll({ token, csr: newKey().csr }, "127.0.0.7");
    assert.equal(answer.certificate.commonName, "laptop-1");
    assert.equal((await db.certificate.findUniqueOrThrow({ where: { id: answer.certificate.id } })).keySealed, null);
    await assert.rejects(enroll({ token, csr: newKey().csr }, null), refusal("GoneError", /already used/));
    await assert.rejects(findEnrollment(token), { name: "GoneError" });
  });

  test("expired and unknown tokens are refused; a new token ends the old one", async () => {
    const client = await createClient(actor, { name: "laptop-2", kind: "person", notes: "" });
    const first = await createEnrollment(actor, { kind: "client", id: client.id });
    const second = await createEnrollment(actor, { kind: "client", id: client.id });
    await assert.rejects(enroll({ token: first.token, csr: newKey().csr }, null), refusal("GoneError", /expired/));
    const later = new Date(Date.now() + 16 * 60_000);
    await assert.rejects(
      enroll({ token: second.token, csr: newKey().csr }, null, later),
      refusal("GoneError", /expired/),
    );
    await assert.rejects(enroll({ token: "A".repeat(43), csr: newKey().csr }, null), { name: "NotFoundError" });
  });
});

describe("enrollment across holders", () => {
  test("a token used by another holder's installer is refused and stays unspent", async () => {
    const a = await createClient(actor, { name: "laptop-a", kind: "person", notes: "" });
    await createClient(actor, { name: "laptop-b", kind: "person", notes: "" });
    const { token } = await createEnrollment(actor, { kind: "client", id: a.id });
    await assert.rejects(
      enroll({ token, csr: newKey().csr, name: "laptop-b" }, null),
      refusal("ForbiddenError", /laptop-a/),
    );
    const answer = await enroll({ token, csr: newKey().csr, name: "laptop-a" }, null);
    assert.equal(answer.certificate.commonName, "laptop-a");
  });
});

describe("a renewal whose answer was lost", () => {
  test("asking again with the same new key answers the same certificate; another key is refused", async () => {
    const { cert, keyPem } = await enrolledClient("ci-13");
    const next = newKey();
    const first = await renewCertificate(request(cert.serial, keyPem, next.csr));
    // The agent never saw the answer: it asks again, signed with the same (now superseded) certificate.
    const again = await renewCertificate(request(cert.serial, keyPem, csrFor(next.keyPem)));
    assert.equal(again.certificate.id, first.certificate.id);
    assert.equal(await db.certificate.count({ where: { clientId: cert.clientId } }), 2, "nothing new was issued");
    assert.ok(await db.auditEvent.findFirst({ where: { action: "cert.renew_repeated" } }));
    await assert.rejects(
      renewCertificate(request(cert.serial, keyPem, newKey().csr)),
      refusal("ForbiddenError", /already replaced/),
    );
  });
});
