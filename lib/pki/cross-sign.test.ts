import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { mustOpenssl, openssl, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa, crossSignCa } from "@/lib/pki/ca";
import { keySpec } from "@/lib/pki/key-types";
import { generateKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate } from "@/lib/pki/profiles";

// An agent that trusts only the old CA accepts the new one through the cross certificate, and
// nothing else: openssl is the judge, as it is on the hosts.
test("crossSignCa: the successor's name and key, signed by the predecessor, and nothing more", async () => {
  // the rotation an RSA install makes when it moves to ECDSA: the old CA RSA, the new one P-256
  const [oldCa, newCa, foreign] = await Promise.all([
    createCa({ commonName: "Docker CA 2025", key: keySpec("rsa", 2048) }),
    createCa({ commonName: "Docker CA 2026", key: keySpec("ecdsa-p256") }),
    createCa({ commonName: "Docker CA 2026", key: keySpec("ecdsa-p256") }),
  ]);
  const cross = crossSignCa(newCa.certPem, oldCa);
  const x509 = new X509Certificate(cross);
  const successor = new X509Certificate(newCa.certPem);
  assert.equal(x509.subject, successor.subject);
  assert.equal(x509.issuer, new X509Certificate(oldCa.certPem).subject);
  assert.ok(x509.publicKey.equals(successor.publicKey));
  assert.ok(x509.ca);
  assert.ok(new Date(x509.validTo) <= new Date(successor.validTo));

  const key = await generateKeyPair(keySpec("ecdsa-p384"));
  const leaf = await buildClientCertificate({
    publicKeyPem: key.publicKeyPem,
    ca: newCa,
    commonName: "alice",
    days: 7,
  });
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

test("crossSignCa: an ECDSA CA vouches for its successor of any family, signing with its own algorithm", async () => {
  const [oldCa, newCa] = await Promise.all([
    createCa({ commonName: "EC CA 2025", key: keySpec("ecdsa-p384") }),
    createCa({ commonName: "RSA CA 2026", key: keySpec("rsa", 2048) }),
  ]);
  const cross = crossSignCa(newCa.certPem, oldCa);
  const key = await generateKeyPair(keySpec("ecdsa-p256"));
  const leaf = await buildClientCertificate({ publicKeyPem: key.publicKeyPem, ca: newCa, commonName: "bob", days: 7 });
  const dir = tempDir();
  writeFiles(dir, { "old.pem": oldCa.certPem, "cross.pem": cross, "leaf.pem": leaf.certPem });
  assert.match(
    mustOpenssl(["x509", "-in", "cross.pem", "-noout", "-text"], dir),
    /Signature Algorithm: ecdsa-with-SHA384/,
  );
  assert.ok(new X509Certificate(cross).publicKey.equals(new X509Certificate(newCa.certPem).publicKey));
  assert.match(
    mustOpenssl(["verify", "-CAfile", "old.pem", "-untrusted", "cross.pem", "-purpose", "sslclient", "leaf.pem"], dir),
    /leaf\.pem: OK/,
  );
});
