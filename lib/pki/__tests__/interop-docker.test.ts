import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import type { BundleHost } from "@/lib/bundles/bundle-input";
import { renderCustomConf } from "@/lib/bundles/custom-conf";
import { opensslCa, tempDir } from "@/lib/pki/__tests__/tools";
import { createCa, crossSignCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { type KeySpec, keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, keySpecOf } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";
import {
  dockerJudge,
  dockerJudgeUnavailable,
  type JudgeRun,
  judgeBundles,
  skipWithoutDocker,
} from "@/lib/test-support/docker-judge";

// The real dockerd and docker CLI (Go's crypto/x509 and crypto/tls) judge the certificates, in the
// custom.conf a systemd-style bundle would carry: scripts/docker-judge.sh, and ../shared's
// check-bundle.sh as a second opinion when it is there.
const HOST: BundleHost = {
  name: "docker-test-host",
  dnsNames: ["localhost"],
  ipAddresses: ["127.0.0.1", "::1"],
  port: 2376,
  configStyle: "systemd",
  keepUnixSocket: false,
  tlsMode: "mtls",
  role: "standalone",
};

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

function writeServerBundle(dir: string, caPem: string, party: Pems): string {
  writeBundle(dir, caPem, party);
  writeFileSync(path.join(dir, "custom.conf"), renderCustomConf(HOST, "/etc/docker/ssl"));
  return dir;
}

async function issue(
  ca: CaKeyPair,
  keys: { server: KeySpec; client: KeySpec } = { server: keySpec("rsa", 2048), client: keySpec("rsa", 3072) },
): Promise<{ server: Pems; client: Pems }> {
  const [serverKey, clientKey] = await Promise.all([generateKeyPair(keys.server), generateKeyPair(keys.client)]);
  const server = await buildServerCertificate({
    publicKeyPem: serverKey.publicKeyPem,
    ca,
    commonName: "docker-test-host",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1", "::1"],
    days: 30,
  });
  const client = await buildClientCertificate({
    publicKeyPem: clientKey.publicKeyPem,
    ca,
    commonName: "ci-runner",
    days: 7,
  });
  return {
    server: { certPem: server.certPem, keyPem: serverKey.privateKeyPem },
    client: { certPem: client.certPem, keyPem: clientKey.privateKeyPem },
  };
}

describe("docker-judge.sh and check-bundle.sh: real dockerd + docker CLI", { timeout: 600_000 }, () => {
  let ca: CaKeyPair;
  let issued: Awaited<ReturnType<typeof issue>>;
  before(async () => {
    if (dockerJudgeUnavailable()) return;
    ca = await createCa({ commonName: "dockpki Docker Test CA", key: keySpec("rsa", 4096) });
    issued = await issue(ca);
  });

  function judge(
    caPem: string,
    server: Pems,
    client: Pems,
    ...options: string[]
  ): { own: JudgeRun; second?: JudgeRun } {
    const dir = tempDir();
    return judgeBundles(
      writeServerBundle(path.join(dir, "server"), caPem, server),
      writeBundle(path.join(dir, "client"), caPem, client),
      ...options,
    );
  }

  test("PASSES a server bundle (127.0.0.1, localhost, ::1) and a client bundle", { timeout: 180_000 }, (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const { own, second } = judge(ca.certPem, issued.server, issued.client);
    assert.equal(own.status, 0, own.output);
    assert.match(own.output, /^RESULT: PASS/m);
    assert.match(own.output, /^PASS {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m);
    if (!second) return;
    assert.equal(second.status, 0, second.output);
    assert.match(second.output, /RESULT: PASS/);
    assert.match(second.output, /PASS\s+docker version with the client bundle/);
  });

  test("FAILS when the server certificate is used as the client certificate", { timeout: 180_000 }, (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const { own, second } = judge(ca.certPem, issued.server, issued.server);
    assert.equal(own.status, 1, own.output);
    assert.match(own.output, /^FAIL {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m);
    assert.match(own.output, /^RESULT: FAIL/m);
    if (!second) return;
    assert.equal(second.status, 1, second.output);
    assert.match(second.output, /FAIL\s+client cert does not verify against server ca.pem as a TLS client cert/);
    assert.match(second.output, /FAIL\s+docker version with the client bundle/);
    assert.match(second.output, /RESULT: FAIL/);
  });

  test("PASSES under an imported classic-recipe CA (no keyUsage, UTF-8 subject), dialling localhost", {
    timeout: 180_000,
  }, async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const recipe = importCa(opensslCa(tempDir(), "/O=Bäckerei Müller/CN=Recipe Docker CA", ["-utf8"], null));
    const pair = await issue(recipe);
    const { own, second } = judge(recipe.certPem, pair.server, pair.client, "--connect-host", "localhost");
    assert.equal(own.status, 0, own.output);
    assert.match(own.output, /^PASS {2}docker version over tcp:\/\/localhost:2376 with the client bundle/m);
    if (!second) return;
    assert.equal(second.status, 0, second.output);
    assert.match(second.output, /RESULT: PASS/);
  });

  // A CA rotation half done: some hosts and clients renewed under the new CA (ca.pem: both CAs), the
  // others still on the old CA alone. The new certificates carry the cross certificate the old CA
  // signed after the leaf; Go then builds leaf -> cross -> old CA where only the old one is trusted.
  test("PASSES a rotation's mixed state both ways: new certificates with the cross certificate, peers on the old ca.pem", {
    timeout: 360_000,
  }, async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const keys = { server: keySpec("ecdsa-p256"), client: keySpec("ecdsa-p256") };
    const newCa = await createCa({ commonName: "dockpki Docker Test CA 2", key: keySpec("ecdsa-p256") });
    const cross = crossSignCa(newCa.certPem, ca);
    const renewed = await issue(newCa, keys);
    const withCross = (p: Pems) => ({ ...p, certPem: p.certPem + cross });
    const both = newCa.certPem + ca.certPem;
    const mixed = (server: [string, Pems], client: [string, Pems]) => {
      const dir = tempDir();
      return judgeBundles(
        writeServerBundle(path.join(dir, "server"), ...server),
        writeBundle(path.join(dir, "client"), ...client),
      );
    };
    const runs = {
      "a renewed client, a host on the old ca.pem": mixed(
        [ca.certPem, issued.server],
        [both, withCross(renewed.client)],
      ),
      "a renewed host, a client on the old ca.pem": mixed(
        [both, withCross(renewed.server)],
        [ca.certPem, issued.client],
      ),
    };
    for (const [name, { own, second }] of Object.entries(runs)) {
      assert.equal(own.status, 0, `${name}: ${own.output}`);
      assert.match(own.output, /^PASS {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m, name);
      if (second) assert.equal(second.status, 0, `${name}: ${second.output}`);
    }
    // without the cross certificate the renewed client is refused: what it is there for
    const dir = tempDir();
    const refused = dockerJudge(
      writeServerBundle(path.join(dir, "server"), ca.certPem, issued.server),
      writeBundle(path.join(dir, "client"), both, renewed.client),
    );
    assert.equal(refused.status, 1, refused.output);
    assert.match(refused.output, /^FAIL {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m);
  });

  // The key-type matrix, cut to what a judge run costs: each CA type once, with leaves of other types,
  // so that every leaf type is once a server's and once a client's (RSA under RSA is covered above).
  const mixes: { ca: KeySpec; server: KeySpec; client: KeySpec }[] = [
    { ca: keySpec("ecdsa-p256"), server: keySpec("rsa", 2048), client: keySpec("ecdsa-p384") },
    { ca: keySpec("rsa", 2048), server: keySpec("ecdsa-p384"), client: keySpec("ecdsa-p256") },
    { ca: keySpec("ecdsa-p384"), server: keySpec("ecdsa-p256"), client: keySpec("rsa", 2048) },
  ];
  for (const mix of mixes) {
    const name = `${keyLabel(mix.ca)} CA, ${keyLabel(mix.server)} server, ${keyLabel(mix.client)} client`;
    test(`PASSES ${name}`, { timeout: 180_000 }, async (t) => {
      const skip = skipWithoutDocker();
      if (skip) return t.skip(skip);
      const mixCa = await createCa({ commonName: `dockpki Docker ${keyLabel(mix.ca)} CA`, key: mix.ca });
      const pair = await issue(mixCa, mix);
      // what is judged is what the name says
      assert.deepEqual(keySpecOf(new X509Certificate(mixCa.certPem).publicKey), mix.ca);
      assert.deepEqual(keySpecOf(new X509Certificate(pair.server.certPem).publicKey), mix.server);
      assert.deepEqual(keySpecOf(new X509Certificate(pair.client.certPem).publicKey), mix.client);
      const { own, second } = judge(mixCa.certPem, pair.server, pair.client);
      assert.equal(own.status, 0, own.output);
      assert.match(own.output, /^RESULT: PASS/m);
      assert.match(own.output, /^PASS {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m);
      if (!second) return;
      assert.equal(second.status, 0, second.output);
      assert.match(second.output, /RESULT: PASS/);
      assert.match(second.output, /PASS\s+docker version with the client bundle/);
    });
  }
});
