import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "@/lib/errors";
import { mustOpenssl, opensslCa, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { importCa } from "@/lib/pki/ca";
import { describeCertificate } from "@/lib/pki/inspect";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildServerCertificate } from "@/lib/pki/profiles";

test("describes an issued server certificate the way openssl sees it", async () => {
  const dir = tempDir();
  const ca = importCa(opensslCa(dir, "/O=Bäckerei, Ops/CN=Müller Root", ["-utf8"]));
  const { publicKeyPem } = await generateRsaKeyPair(2048);
  const issued = buildServerCertificate({
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

test("not a certificate: InputError", () => {
  assert.throws(() => describeCertificate("nope"), InputError);
});
