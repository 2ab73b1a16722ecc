import assert from "node:assert/strict";
import { test } from "node:test";
import forge from "node-forge";
import { createCa } from "@/lib/pki/ca";
import { loadCaSigner } from "@/lib/pki/ca-signer";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { signCertificate, signCertificateWithForge } from "@/lib/pki/sign";

test("native and forge signing give the same bytes (RSA PKCS#1 v1.5 is deterministic)", async () => {
  const ca = await createCa({ commonName: "Sign Test CA", keySize: 2048 });
  const signer = loadCaSigner(ca);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem((await generateRsaKeyPair(2048)).publicKeyPem);
  cert.serialNumber = "0102030405060708090a0b0c0d0e0f10";
  cert.validity.notBefore = new Date("2026-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2027-01-01T00:00:00Z");
  cert.setSubject([{ name: "commonName", value: "same" }]);
  const native = signCertificate(cert, signer.keyPem, signer.name);
  const pureJs = signCertificateWithForge(cert, signer.keyPem, signer.name);
  assert.equal(native.toString("hex"), pureJs.toString("hex"));
  const parsed = forge.pki.certificateFromAsn1(forge.asn1.fromDer(native.toString("binary")));
  assert.ok(forge.pki.certificateFromPem(ca.certPem).verify(parsed), "the CA verifies the signature");
});
