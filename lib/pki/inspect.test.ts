import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "@/lib/errors";
import { mustOpenssl, opensslCa, read, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import { describeCertificate } from "@/lib/pki/inspect";
import { keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, generateRsaKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";

test("describes an issued server certificate the way openssl sees it", async () => {
  const dir = tempDir();
  const ca = importCa(opensslCa(dir, "/O=Bäckerei, Ops/CN=Müller Root", ["-utf8"]));
  const { publicKeyPem } = await generateRsaKeyPair(2048);
  const issued = await buildServerCertificate({
    publicKeyPem,
    ca,
    commonName: "docker1",
    dnsNames: ["docker1.example.com"],
    ipAddresses: ["192.0.2.7", "2001:db8::7"],
    days: 90,
  });
  writeFiles(dir, { "cert.pem": issued.certPem });
  const info = describeCertificate(issued.certPem);
  assert.deepEqual(info, {
    subject: "CN=docker1",
    commonName: "docker1",
    issuer: "O=Bäckerei\\, Ops, CN=Müller Root",
    serial: issued.serial,
    fingerprint: issued.fingerprint,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    dnsNames: ["docker1.example.com"],
    ipAddresses: ["192.0.2.7", "2001:db8::7"],
    keyType: "rsa",
    keySize: 2048,
    isCa: false,
    hasKeyUsage: true,
  });
  const fp = mustOpenssl(["x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256"], dir);
  assert.equal(fp.trim().split("=")[1].replaceAll(":", "").toLowerCase(), info.fingerprint);
  const serial = mustOpenssl(["x509", "-in", "cert.pem", "-noout", "-serial"], dir);
  assert.equal(serial.trim(), `serial=${info.serial.toUpperCase()}`);

  const caInfo = describeCertificate(ca.certPem);
  assert.equal(caInfo.isCa, true);
  assert.equal(caInfo.commonName, "Müller Root");
  assert.equal(caInfo.subject, caInfo.issuer);
});

test("key type and size: ECDSA leaves and CAs, made by dockpki or by openssl", async () => {
  const ca = await createCa({ commonName: "Inspect P-384 CA", key: keySpec("ecdsa-p384") });
  assert.deepEqual(pick(describeCertificate(ca.certPem)), { keyType: "ecdsa-p384", keySize: 384, isCa: true });
  const { publicKeyPem } = await generateKeyPair(keySpec("ecdsa-p256"));
  const leaf = await buildClientCertificate({ publicKeyPem, ca, commonName: "alice", days: 7 });
  const info = describeCertificate(leaf.certPem);
  assert.deepEqual(pick(info), { keyType: "ecdsa-p256", keySize: 256, isCa: false });
  assert.equal(info.issuer, "CN=Inspect P-384 CA");
  assert.equal(info.serial, leaf.serial);
  const recipe = opensslCa(tempDir(), "/CN=Recipe P-256 CA", [], undefined, "P-256");
  assert.deepEqual(pick(describeCertificate(recipe.certPem)), { keyType: "ecdsa-p256", keySize: 256, isCa: true });
});

test("a certificate with a key dockpki does not work with (Ed25519) is an InputError, not a crash", () => {
  const dir = tempDir();
  mustOpenssl(
    ["req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-subj", "/CN=ed", "-out", "ed.pem"],
    dir,
  );
  assert.throws(
    () => describeCertificate(read(dir, "ed.pem")),
    (err) => err instanceof InputError && /neither ECDSA/.test(err.message),
  );
});

const pick = ({ keyType, keySize, isCa }: ReturnType<typeof describeCertificate>) => ({ keyType, keySize, isCa });

test("not a certificate: InputError", () => {
  assert.throws(() => describeCertificate("nope"), InputError);
});
