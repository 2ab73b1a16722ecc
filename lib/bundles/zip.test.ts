import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { buildClientBundle, buildServerBundle, bundleFileName } from "@/lib/bundles/zip";
import { InputError } from "@/lib/errors";
import { sampleHost } from "@/lib/test-support/bundle-hosts";
import { makeTestPki, type TestPki } from "@/lib/test-support/bundle-pki";
import { collect, unzip, type ZipEntry } from "@/lib/test-support/zip";

const modes = (entries: Map<string, ZipEntry>) =>
  Object.fromEntries([...entries].map(([name, e]) => [name, e.mode.toString(8)]));
const count = (pem: string) => pem.split("-----BEGIN CERTIFICATE-----").length - 1;

describe("zip bundles", () => {
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });

  it("server bundle (systemd): one folder, Docker's file names, key 0600, install.sh 0755", async () => {
    const zip = buildServerBundle({
      host: sampleHost(),
      caCertPems: [pki.caPem],
      certPem: pki.serverCertPem,
      keyPem: pki.serverKeyPem,
      sslDir: "/etc/docker/ssl",
    });
    const entries = await unzip(await collect(zip));
    assert.deepEqual(modes(entries), {
      "docker1/": "755",
      "docker1/ca.pem": "644",
      "docker1/cert.pem": "644",
      "docker1/key.pem": "600",
      "docker1/custom.conf": "644",
      "docker1/install.sh": "755",
      "docker1/README.txt": "644",
    });
    assert.equal(entries.get("docker1/key.pem")?.content, pki.serverKeyPem);
    assert.match(entries.get("docker1/custom.conf")?.content ?? "", /--tlsverify/);
  });

  it("server bundle (daemon-json) during a CA rotation: two CAs, no key when CSR-issued", async () => {
    const zip = buildServerBundle({
      host: sampleHost({ configStyle: "daemon-json" }),
      caCertPems: [pki.caPem, pki.otherCaPem],
      certPem: pki.serverCertPem,
      keyPem: null,
      sslDir: "/etc/docker/ssl",
    });
    const entries = await unzip(await collect(zip));
    assert.deepEqual([...entries.keys()].sort(), [
      "docker1/",
      "docker1/README.txt",
      "docker1/ca.pem",
      "docker1/cert.pem",
      "docker1/custom.conf",
      "docker1/daemon.json",
      "docker1/install.sh",
    ]);
    const ca = entries.get("docker1/ca.pem")?.content ?? "";
    assert.equal(count(ca), 2);
    assert.ok(ca.includes(pki.caPem.trim()) && ca.includes(pki.otherCaPem.trim()));
    assert.equal(JSON.parse(entries.get("docker1/daemon.json")?.content ?? "").tlsverify, true);
  });

  it("client bundle: env file per host, or env.sh for the chosen one, streamed as a web stream", async () => {
    const hosts = [sampleHost(), sampleHost({ name: "edge", ipAddresses: ["10.0.0.9"] })];
    const base = { client: { name: "alice@example.com" }, caCertPems: [pki.caPem], certPem: pki.clientCertPem };
    const all = await unzip(await collect(buildClientBundle({ ...base, hosts, keyPem: pki.clientKeyPem })));
    assert.deepEqual(modes(all), {
      "alice@example.com/": "755",
      "alice@example.com/ca.pem": "644",
      "alice@example.com/cert.pem": "644",
      "alice@example.com/key.pem": "600",
      "alice@example.com/env-docker1.sh": "644",
      "alice@example.com/env-edge.sh": "644",
      "alice@example.com/README.txt": "644",
    });
    const chosen = await unzip(buildClientBundle({ ...base, hosts, selectedHost: hosts[1], keyPem: null }));
    assert.ok(chosen.has("alice@example.com/env.sh") && chosen.has("alice@example.com/env-docker1.sh"));
    assert.ok(!chosen.has("alice@example.com/key.pem") && !chosen.has("alice@example.com/env-edge.sh"));
    assert.match(chosen.get("alice@example.com/env.sh")?.content ?? "", /DOCKER_HOST=tcp:\/\/docker1\.example\.com/);
  });

  it("with the renewal agent: the agent (0755) and, for a host, its systemd units; README.txt says how", async () => {
    const agent = {
      dashboardUrl: "https://dockpki.example.com",
      dashboardCaPem: pki.caPem,
      renewAtRemainingPercent: 33,
      renewWindow: null,
    };
    const server = await unzip(
      await collect(
        buildServerBundle({
          host: sampleHost(),
          caCertPems: [pki.caPem],
          certPem: pki.serverCertPem,
          keyPem: pki.serverKeyPem,
          sslDir: "/etc/docker/ssl",
          agent,
        }),
      ),
    );
    assert.equal(server.get("docker1/dockpki-renew")?.mode.toString(8), "755");
    assert.equal(server.get("docker1/dockpki-renew.service")?.mode.toString(8), "644");
    assert.equal(server.get("docker1/dockpki-renew.timer")?.mode.toString(8), "644");
    assert.match(server.get("docker1/dockpki-renew")?.content ?? "", /^SSL_DIR=\/etc\/docker\/ssl$/m);
    assert.ok(
      server.get("docker1/dockpki-renew")?.content.includes(pki.caPem.trim()),
      "the dashboard's CA is in the agent",
    );
    assert.match(
      server.get("docker1/install.sh")?.content ?? "",
      /^put_file dockpki-renew \/usr\/local\/sbin\/dockpki-renew 0755$/m,
    );
    assert.match(server.get("docker1/README.txt")?.content ?? "", /sudo dockpki-renew --check/);
    const base = {
      client: { name: "ci" },
      caCertPems: [pki.caPem],
      certPem: pki.clientCertPem,
      keyPem: pki.clientKeyPem,
    };
    const client = await unzip(await collect(buildClientBundle({ ...base, hosts: [sampleHost()], agent })));
    assert.equal(client.get("ci/dockpki-renew")?.mode.toString(8), "755");
    assert.match(client.get("ci/dockpki-renew")?.content ?? "", /^PURPOSE=sslclient$/m);
    assert.ok(!client.has("ci/dockpki-renew.timer"));
    const none = await unzip(
      await collect(buildClientBundle({ ...base, hosts: [], agentMissing: "The dashboard's public URL is not set." })),
    );
    assert.ok(!none.has("ci/dockpki-renew"));
    assert.match(none.get("ci/README.txt")?.content ?? "", /\nRenewal\n {2}The dashboard's public URL is not set\.\n$/);
    assert.throws(() => buildClientBundle({ ...base, hosts: [], agentMissing: "a\nb" }), /one line/);
  });

  it("refuses before streaming: bad PEM, encrypted key, no CA, hostile names", () => {
    const input = {
      host: sampleHost(),
      caCertPems: [pki.caPem],
      certPem: pki.serverCertPem,
      keyPem: pki.serverKeyPem,
      sslDir: "/etc/docker/ssl",
    };
    assert.throws(() => buildServerBundle({ ...input, caCertPems: [] }), /at least one CA/);
    assert.throws(() => buildServerBundle({ ...input, certPem: "hello" }), /not an unencrypted PEM certificate/);
    const encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert.throws(() => buildServerBundle({ ...input, keyPem: encrypted }), /not an unencrypted PEM key/);
    assert.throws(() => buildServerBundle({ ...input, host: sampleHost({ name: "../../etc" }) }), InputError);
    assert.throws(() => buildClientBundle({ ...input, client: { name: "x/../y" }, hosts: [] }), InputError);
  });

  it("bundleFileName gives a header-safe name", () => {
    assert.equal(bundleFileName("server", "docker1"), "dockpki-server-docker1.zip");
    assert.equal(bundleFileName("client", "alice@example.com"), "dockpki-client-alice@example.com.zip");
    assert.throws(() => bundleFileName("client", 'a"; filename=evil.exe'), InputError);
  });
});
