import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderClientReadme } from "@/lib/bundles/client-readme";
import { renderServerReadme } from "@/lib/bundles/server-readme";
import { renderSwarmManageCommand } from "@/lib/bundles/swarm-command";
import { InputError } from "@/lib/errors";
import { HOSTILE, hostileHosts, sampleHost } from "@/lib/test-support/bundle-hosts";

const DIR = "/etc/docker/ssl";

describe("renderServerReadme", () => {
  it("gives the exact steps for the systemd style", () => {
    const text = renderServerReadme(sampleHost(), DIR);
    for (const step of [
      "cp ca.pem cert.pem key.pem /etc/docker/ssl/",
      "chmod 0600 /etc/docker/ssl/key.pem",
      "cp custom.conf /etc/systemd/system/docker.service.d/custom.conf",
      "systemctl daemon-reload",
      "systemctl restart docker",
      "docker --tlsverify --tlscacert=ca.pem --tlscert=cert.pem --tlskey=key.pem -H=tcp://docker1.example.com:2376 version",
    ]) {
      assert.ok(text.includes(step), step);
    }
    assert.doesNotMatch(text, /WARNING|swarm manage|daemon\.json +for/);
  });

  it("explains daemon.json, a missing key, the tls-only risk and the classic Swarm manager", () => {
    const host = sampleHost({ configStyle: "daemon-json", tlsMode: "tls-only", role: "swarm-manager" });
    const text = renderServerReadme(host, DIR, { hasKey: false });
    assert.ok(text.includes("cp daemon.json /etc/docker/daemon.json"));
    assert.match(text, /no key\.pem: the certificate was issued from a CSR/);
    assert.doesNotMatch(text, /cp ca\.pem cert\.pem key\.pem/);
    assert.match(text, /WARNING: this host uses TLS without client verification/);
    assert.ok(text.includes(renderSwarmManageCommand(host, DIR)));
    assert.match(text, /legacy/);
  });

  it("tells how to keep and merge by hand, and what install.sh checks, merges, rolls back and needs", () => {
    const daemonJson = renderServerReadme(sampleHost({ configStyle: "daemon-json", port: 2400 }), DIR);
    assert.doesNotMatch(daemonJson, /merge by hand if you already have one/);
    assert.match(daemonJson, /keep every other setting/);
    assert.match(daemonJson, /merges this bundle's "hosts"\s+and TLS settings into[\s\S]*python3/);
    assert.match(daemonJson, /dockerd --validate/);
    const systemd = renderServerReadme(sampleHost({ port: 2400 }), DIR);
    for (const text of [daemonJson, systemd]) {
      assert.match(text, /Keep a copy of what you replace/);
      assert.match(text, /override\.conf/);
      assert.match(text, /openssl s_client -connect 127\.0\.0\.1:2400/);
      assert.ok(text.includes("openssl x509 -noout -fingerprint -sha256 -in /etc/docker/ssl/cert.pem"));
      assert.match(text, /puts every previous file\s+back, restarts docker with them/);
      assert.match(text, /journalctl -u docker/);
      assert.match(text, /needs openssl/);
      assert.match(text, /new directories get mode 0755/);
    }
    assert.match(systemd, /reads\s+\/etc\/docker\/daemon\.json\s+with python3/);
  });

  it("names what the certificate covers, localhost and 127.0.0.1 included for a host reachable locally", () => {
    assert.match(renderServerReadme(sampleHost(), DIR), /certificate, for: docker1\.example\.com, 10\.0\.0\.5\n/);
    // (install.sh's own check dials 127.0.0.1 without verifying names, so the README may name it)
    assert.doesNotMatch(renderServerReadme(sampleHost(), DIR), /localhost|tcp:\/\/127\.0\.0\.1/);
    const text = renderServerReadme(sampleHost({ localAccess: true, port: 2377 }), DIR);
    assert.match(text, /certificate, for: docker1\.example\.com, localhost, 10\.0\.0\.5, 127\.0\.0\.1\n/);
    assert.ok(text.includes("a client bundle works\n  with -H tcp://127.0.0.1:2377"));
  });

  it("refuses hostile input", () => {
    for (const bad of hostileHosts()) assert.throws(() => renderServerReadme(bad, DIR), InputError);
    for (const bad of HOSTILE) assert.throws(() => renderServerReadme(sampleHost(), `/x/${bad}`), InputError);
  });
});

describe("renderSwarmManageCommand", () => {
  it("mounts the certificates read-only and turns TLS verification on", () => {
    assert.equal(
      renderSwarmManageCommand(sampleHost({ role: "swarm-manager" }), DIR),
      "docker run -d --name swarm-manager --restart=unless-stopped -p 3376:3376 -v /etc/docker/ssl:/certs:ro swarm manage " +
        "--tlsverify --tlscacert=/certs/ca.pem --tlscert=/certs/cert.pem --tlskey=/certs/key.pem --host=0.0.0.0:3376 " +
        "nodes://docker1.example.com:2376",
    );
  });
});

describe("renderClientReadme", () => {
  const hosts = [
    sampleHost(),
    sampleHost({ name: "edge", dnsNames: [], ipAddresses: ["fd00::9"], tlsMode: "tls-only" }),
  ];

  it("lists every host with its env file, check and docker context command", () => {
    const text = renderClientReadme({ name: "alice@example.com" }, hosts);
    assert.match(text, /^dockpki client bundle for alice@example\.com$/m);
    assert.match(text, /source \.\/env-docker1\.sh/);
    assert.match(text, /source \.\/env-edge\.sh/);
    assert.ok(text.includes("docker context create docker1 --docker host=tcp://docker1.example.com:2376,ca=./ca.pem"));
    assert.ok(text.includes("-H='tcp://[fd00::9]:2376' version"));
    assert.match(
      text,
      /edge {2}\(tcp:\/\/\[fd00::9\]:2376\)\n\n {2}WARNING: this host does not check client certificates/,
    );
  });

  it("points env.sh at the chosen host", () => {
    const text = renderClientReadme({ name: "ci" }, hosts, { selectedHost: hosts[1], hasKey: false });
    assert.match(text, /^ {2}source \.\/env\.sh$/m);
    assert.match(text, /edge {2}\(tcp:\/\/\[fd00::9\]:2376\)\n[\s\S]*source \.\/env\.sh /);
    assert.match(text, /no key\.pem: the certificate was issued from your CSR/);
  });

  it("refuses hostile input", () => {
    for (const bad of HOSTILE) assert.throws(() => renderClientReadme({ name: bad }, hosts), InputError);
    for (const bad of hostileHosts()) assert.throws(() => renderClientReadme({ name: "ci" }, [bad]), InputError);
  });
});
