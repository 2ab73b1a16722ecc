import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { opensslCa, tempDir } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";
import { checkBundle, checkBundleUnavailable } from "@/lib/test-support/check-bundle";

// The real dockerd and docker CLI (Go's crypto/x509 and crypto/tls) judge the bundles.
const skip = checkBundleUnavailable();

interface Pems {
  certPem: string;
  keyPem: string;
}

function writeBundle(dir: string, caPem: string, party: Pems): string {
  mkdirSync(dir);
  writeFileSync(path.join(dir, "ca.pem"), caPem);
  writeFileSync(path.join(dir, "cert.pem"), party.certPem);
  writeFileSync(path.join(dir, "key.pem"), party.keyPem, { mode: 0o600 });
  return dir;
}

async function issue(ca: CaKeyPair): Promise<{ server: Pems; client: Pems }> {
  const [serverKey, clientKey] = await Promise.all([generateRsaKeyPair(2048), generateRsaKeyPair(3072)]);
  const server = buildServerCertificate({
    publicKeyPem: serverKey.publicKeyPem,
    ca,
    commonName: "docker-test-host",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1", "::1"],
    days: 30,
  });
  const client = buildClientCertificate({ publicKeyPem: clientKey.publicKeyPem, ca, commonName: "ci-runner", days: 7 });
  return {
    server: { certPem: server.certPem, keyPem: serverKey.privateKeyPem },
    client: { certPem: client.certPem, keyPem: clientKey.privateKeyPem },
  };
}

describe("check-bundle.sh: real dockerd + docker CLI", { skip, timeout: 600_000 }, () => {
  let ca: CaKeyPair;
  let issued: Awaited<ReturnType<typeof issue>>;
  before(async () => {
    ca = await createCa({ commonName: "dockpki Docker Test CA", keySize: 4096 });
    issued = await issue(ca);
  });

  test("PASSES a server bundle (127.0.0.1, localhost, ::1) and a client bundle", { timeout: 180_000 }, () => {
    const dir = tempDir();
    const r = checkBundle(
      writeBundle(path.join(dir, "server"), ca.certPem, issued.server),
      writeBundle(path.join(dir, "client"), ca.certPem, issued.client),
    );
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /RESULT: PASS/);
    assert.match(r.output, /PASS\s+docker version with the client bundle/);
  });

  test("FAILS when the server certificate is used as the client certificate", { timeout: 180_000 }, () => {
    const dir = tempDir();
    const r = checkBundle(
      writeBundle(path.join(dir, "server"), ca.certPem, issued.server),
      writeBundle(path.join(dir, "client"), ca.certPem, issued.server),
    );
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /FAIL\s+client cert does not verify against server ca.pem as a TLS client cert/);
    assert.match(r.output, /FAIL\s+docker version with the client bundle/);
    assert.match(r.output, /RESULT: FAIL/);
  });

  test("PASSES under an imported classic-recipe CA (no keyUsage, UTF-8 subject), dialling localhost", {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    const recipe = importCa(opensslCa(dir, "/O=Bäckerei Müller/CN=Recipe Docker CA", ["-utf8"], null));
    const pair = await issue(recipe);
    const r = checkBundle(
      writeBundle(path.join(dir, "server"), recipe.certPem, pair.server),
      writeBundle(path.join(dir, "client"), recipe.certPem, pair.client),
      "--connect-host",
      "localhost",
    );
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /RESULT: PASS/);
  });
});
