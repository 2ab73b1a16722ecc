import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { mustOpenssl, openssl, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa, crossSignCa } from "@/lib/pki/ca";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate } from "@/lib/pki/profiles";

// An agent that trusts only the old CA accepts the new one through the cross certificate, and
// nothing else: openssl is the judge, as it is on the hosts.
test("crossSignCa: the successor's name and key, signed by the predecessor, and nothing more", async () => {
  const [oldCa, newCa, foreign] = await Promise.all([
    createCa({ commonName: "Docker CA 2025", keySize: 2048 }),
    createCa({ commonName: "Docker CA 2026", keySize: 2048 }),
    createCa({ commonName: "Docker CA 2026", keySize: 2048 }),
  ]);
  const cross = crossSignCa(newCa.certPem, oldCa);
  const x509 = new X509Certificate(cross);
  const successor = new X509Certificate(newCa.certPem);
  assert.equal(x509.subject, successor.subject);
  assert.equal(x509.issuer, new X509Certificate(oldCa.certPem).subject);
  assert.ok(x509.publicKey.equals(successor.publicKey));
  assert.ok(x509.ca);
  assert.ok(new Date(x509.validTo) <= new Date(successor.validTo));

  const key = await generateRsaKeyPair(2048);
  const leaf = buildClientCertificate({ publicKeyPem: key.publicKeyPem, ca: newCa, commonName: "alice", days: 7 });
  const dir = tempDir();
  writeFiles(dir, {
    "old.pem": oldCa.certPem,
    "new.pem": newCa.certPem,
    "cross.pem": cross,
    "leaf.pem": leaf.certPem,
    "foreign-cross.pem": crossSignCa(foreign.certPem, foreign),
  });
  // The cross certificate verifies against the old CA alone...
  assert.match(mustOpenssl(["verify", "-CAfile", "old.pem", "cross.pem"], dir), /cross\.pem: OK/);
  // ...and carries the new CA's certificates down to the old root.
  assert.match(
    mustOpenssl(["verify", "-CAfile", "old.pem", "-untrusted", "cross.pem", "-purpose", "sslclient", "leaf.pem"], dir),
    /leaf\.pem: OK/,
  );
  // Without it, or with a same-named CA's self-made one, the old trust refuses the leaf.
  assert.notEqual(openssl(["verify", "-CAfile", "old.pem", "leaf.pem"], dir).status, 0);
  assert.notEqual(openssl(["verify", "-CAfile", "old.pem", "foreign-cross.pem"], dir).status, 0);
});
