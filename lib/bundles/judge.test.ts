import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BundleHost } from "@/lib/bundles/bundle-input";
import { buildClientBundle, buildServerBundle } from "@/lib/bundles/zip";
import { sampleHost } from "@/lib/test-support/bundle-hosts";
import { issueTestLeaf, makeTestPki, type TestPki } from "@/lib/test-support/bundle-pki";
import {
  dockerJudge,
  dockerJudgeUnavailable,
  type JudgeRun,
  judgeBundles,
  skipWithoutDocker,
} from "@/lib/test-support/docker-judge";
import { extract } from "@/lib/test-support/zip";

// The real judges: scripts/docker-judge.sh starts dockerd from the bundle's own custom.conf or
// daemon.json, in a network namespace of its own, and talks to it with the real docker CLI;
// ../shared's check-bundle.sh gives a second opinion when it is there.
const local = (overrides: Partial<BundleHost>) =>
  sampleHost({ name: "judge", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], ...overrides });

describe("docker-judge.sh (and check-bundle.sh) on unzipped bundles", { timeout: 600_000 }, () => {
  let pki: TestPki;
  let clientDir: string;
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    dirs.push(mkdtempSync(join(tmpdir(), prefix)));
    return dirs[dirs.length - 1];
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  before(async () => {
    if (dockerJudgeUnavailable()) return;
    pki = makeTestPki();
    dirs.push(pki.dir);
    const zip = buildClientBundle({
      client: { name: "judge-client" },
      hosts: [local({})],
      caCertPems: [pki.caPem],
      certPem: pki.clientCertPem,
      keyPem: pki.clientKeyPem,
    });
    clientDir = join(await extract(zip, tempDir("dockpki-client-")), "judge-client");
  });

  async function serverBundle(host: BundleHost, server = { certPem: pki.serverCertPem, keyPem: pki.serverKeyPem }) {
    const zip = buildServerBundle({ host, caCertPems: [pki.caPem], ...server, sslDir: "/etc/docker/ssl" });
    return join(await extract(zip, tempDir("dockpki-server-")), host.name);
  }

  async function judge(host: BundleHost): Promise<{ own: JudgeRun; second?: JudgeRun }> {
    return judgeBundles(await serverBundle(host), clientDir, "--timeout", "90");
  }

  it("passes the systemd style custom.conf with the unix socket kept", async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const { own, second } = await judge(local({ configStyle: "systemd", keepUnixSocket: true }));
    assert.equal(own.status, 0, own.output);
    assert.match(own.output, /^PASS {2}client certificate verification is on \(--tlsverify in custom\.conf\)/m);
    assert.match(own.output, /^PASS {2}the local socket answers \(fd:\/\/ in the bundle/m);
    assert.match(own.output, /^PASS {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m);
    assert.match(own.output, /^PASS {2}docker without a client certificate .* is refused/m);
    assert.match(own.output, /^PASS {2}a client certificate from a throw-away foreign CA .* is refused/m);
    assert.match(own.output, /^PASS {2}docker over plain HTTP is refused/m);
    if (!second) return;
    assert.equal(second.status, 0, second.output);
    assert.match(second.output, /^PASS .*client certificate verification is on/m);
    assert.doesNotMatch(second.output, /^WARN/m);
  });

  it("passes the daemon-json style (daemon.json plus the plain-dockerd drop-in)", async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const { own, second } = await judge(local({ configStyle: "daemon-json", keepUnixSocket: true }));
    assert.equal(own.status, 0, own.output);
    assert.match(own.output, /^PASS {2}client certificate verification is on \("tlsverify": true in daemon\.json\)/m);
    assert.match(own.output, /^PASS {2}the local socket answers \(unix:\/\/\/var\/run\/docker\.sock in the bundle/m);
    if (!second) return;
    assert.equal(second.status, 0, second.output);
    assert.match(second.output, /^PASS .*client certificate verification is on \("tlsverify" in daemon\.json\)/m);
    assert.doesNotMatch(second.output, /^WARN/m);
  });

  // tls-only is what it says: dockerd accepts clients without a certificate, and a judge of
  // mutual TLS fails it, statically and live.
  it("fails a tls-only custom.conf, because any client gets in", async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const { own, second } = await judge(local({ configStyle: "systemd", tlsMode: "tls-only" }));
    assert.equal(own.status, 1, own.output);
    assert.match(own.output, /^FAIL {2}client certificate verification is off \(--tlsverify=false in custom\.conf\)/m);
    assert.match(own.output, /^FAIL {2}docker without a client certificate .* got through/m);
    assert.match(own.output, /^FAIL {2}a client certificate from a throw-away foreign CA .* got through/m);
    if (!second) return;
    assert.equal(second.status, 1, second.output);
    assert.match(second.output, /^FAIL .*client certificate verification is off/m);
    assert.match(second.output, /^FAIL .*connection without a client cert .* got through/m);
  });

  // Go opens 0.0.0.0 as one dual-stack socket: what every bundle listens on also answers on the
  // host's IPv6 addresses. The namespace's ::1 stands in for them.
  it("a host with an IPv6 address listens on 0.0.0.0, and dockerd answers over [::1] and 127.0.0.1", async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const host = local({ name: "judge6", ipAddresses: ["::1", "127.0.0.1"] });
    const serverDir = await serverBundle(host, serverCert(pki, "IP:::1,IP:127.0.0.1,DNS:localhost"));
    assert.match(readFileSync(join(serverDir, "custom.conf"), "utf8"), / -H tcp:\/\/0\.0\.0\.0:2376 /);
    const r = dockerJudge(serverDir, clientDir, "--connect-host", "::1", "--connect-host", "127.0.0.1");
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /^PASS {2}dockerd .* listens on tcp:\/\/0\.0\.0\.0:2376 .*\(socket \*:2376\)/m);
    assert.match(r.output, /^PASS {2}docker version over tcp:\/\/\[::1\]:2376 with the client bundle/m);
    assert.match(r.output, /^PASS {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m);
    assert.match(r.output, /^PASS {2}curl https:\/\/\[::1\]:2376\/_ping with the client bundle answers OK/m);
  });

  it("the judge fails a custom.conf that leaves docker.service's own ExecStart= in place", async (t) => {
    const skip = skipWithoutDocker();
    if (skip) return t.skip(skip);
    const serverDir = await serverBundle(local({}));
    const conf = join(serverDir, "custom.conf");
    writeFileSync(conf, readFileSync(conf, "utf8").replace(/^ExecStart=\n/m, ""));
    const r = dockerJudge(serverDir, clientDir);
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /^FAIL {2}custom\.conf leaves 2 ExecStart= lines/m);
  });
});

/** A server certificate from the test CA for the given SANs, made with openssl like the rest. */
function serverCert(pki: TestPki, subjectAltName: string): { certPem: string; keyPem: string } {
  return issueTestLeaf(pki.dir, "extra", `extendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltName}`);
}
