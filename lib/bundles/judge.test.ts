import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { BundleHost } from "@/lib/bundles/bundle-input";
import { makeTestPki, type TestPki } from "@/lib/bundles/test-pki";
import { sampleHost } from "@/lib/bundles/test-support";
import { buildClientBundle, buildServerBundle } from "@/lib/bundles/zip";
import { checkBundle, checkBundleUnavailable } from "@/lib/test-support/check-bundle";
import { extract } from "@/lib/test-support/zip";

// The real judge: check-bundle.sh starts an isolated dockerd from the bundle's own custom.conf or
// daemon.json and talks to it with the real docker CLI. It sits beside the clone, in ../shared.
const skip = checkBundleUnavailable();

const local = (overrides: Partial<BundleHost>) =>
  sampleHost({ name: "judge", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], ...overrides });

describe("check-bundle.sh on unzipped bundles", { skip }, () => {
  let pki: TestPki;
  let clientDir: string;

  before(async () => {
    pki = makeTestPki();
    const zip = buildClientBundle({
      client: { name: "judge-client" },
      hosts: [local({})],
      caCertPems: [pki.caPem],
      certPem: pki.clientCertPem,
      keyPem: pki.clientKeyPem,
    });
    clientDir = join(await extract(zip, mkdtempSync(join(tmpdir(), "dockpki-client-"))), "judge-client");
  });

  async function judge(host: BundleHost): Promise<{ status: number | null; out: string }> {
    const zip = buildServerBundle({
      host,
      caCertPems: [pki.caPem],
      certPem: pki.serverCertPem,
      keyPem: pki.serverKeyPem,
      sslDir: "/etc/docker/ssl",
    });
    const serverDir = join(await extract(zip, mkdtempSync(join(tmpdir(), "dockpki-server-"))), "judge");
    const r = checkBundle(serverDir, clientDir, "--timeout", "90");
    return { status: r.status, out: r.output };
  }

  it("passes the systemd style custom.conf with the unix socket kept", { timeout: 300_000 }, async () => {
    const { status, out } = await judge(local({ configStyle: "systemd", keepUnixSocket: true }));
    assert.equal(status, 0, out);
    assert.match(out, /^PASS .*client certificate verification is on/m);
    assert.doesNotMatch(out, /^WARN/m);
  });

  it("passes the daemon-json style (daemon.json plus the plain-dockerd drop-in)", { timeout: 300_000 }, async () => {
    const { status, out } = await judge(local({ configStyle: "daemon-json", keepUnixSocket: true }));
    assert.equal(status, 0, out);
    assert.match(out, /^PASS .*client certificate verification is on \("tlsverify" in daemon\.json\)/m);
    assert.doesNotMatch(out, /^WARN/m);
  });

  // tls-only is what it says: dockerd accepts clients without a certificate, and this judge of
  // mutual TLS fails it, statically and live.
  it("fails a tls-only custom.conf, because any client gets in", { timeout: 300_000 }, async () => {
    const { status, out } = await judge(local({ configStyle: "systemd", tlsMode: "tls-only" }));
    assert.equal(status, 1, out);
    assert.match(out, /^FAIL .*client certificate verification is off/m);
    assert.match(out, /^FAIL .*connection without a client cert .* got through/m);
  });
});
