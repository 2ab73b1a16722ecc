import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentSettings } from "@/lib/bundles/agent-config";
import { renderClientReadme } from "@/lib/bundles/client-readme";
import { renderServerReadme } from "@/lib/bundles/server-readme";
import { renderSwarmManageCommand } from "@/lib/bundles/swarm-command";
import { InputError } from "@/lib/errors";
import { HOSTILE, hostileHosts, sampleHost } from "@/lib/test-support/bundle-hosts";

const DIR = "/etc/docker/ssl";
const AGENT: AgentSettings = {
  dashboardUrl: "https://dockpki.example.com",
  dashboardCaPem: null,
  renewAtRemainingPercent: 25,
  renewWindow: null,
};
const MISSING =
  "This bundle has no renewal agent because the dashboard's public URL is not set (Settings): renew it by downloading a new bundle before it expires.";

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

  it("with the renewal agent: how it runs and is checked, and that docker restarts to load the certificate", () => {
    const text = renderServerReadme(sampleHost(), DIR, { agent: AGENT });
    assert.match(text, /dockpki-renew, dockpki-renew\.service, dockpki-renew\.timer\n/);
    assert.match(text, /enables the timer, which runs it\s+once a day at a random time\./);
    assert.match(text, /less than 25% of the certificate's lifetime/);
    assert.match(
      text,
      /from https:\/\/dockpki\.example\.com, checks that it chains to the CA\s+in \/etc\/docker\/ssl\/ca\.pem/,
    );
    for (const line of [
      "sudo dockpki-renew --check",
      "sudo dockpki-renew --now",
      "systemctl enable --now dockpki-renew.timer",
    ]) {
      assert.ok(text.includes(line), line);
    }
    assert.match(text, /moby\/moby#23936/);
    assert.match(text, /every container, unless "live-restore": true is set in\s+\/etc\/docker\/daemon\.json/);
    const windowed = renderServerReadme(sampleHost(), DIR, { agent: { ...AGENT, renewWindow: "Mon,Thu 02:00-04:00" } });
    assert.match(windowed, /runs it\s+on Mon, Thu between 02:00 and 04:00 \(this host's local time\)\./);
  });

  it("without the renewal agent: says why, or nothing when no reason is given", () => {
    const missing = renderServerReadme(sampleHost(), DIR, { agentMissing: MISSING });
    assert.match(
      missing,
      /\nRenewal\n {2}This bundle has no renewal agent because .*\n {2}\S.* before it expires\.\n\nNotes\n/,
    );
    const section = missing.slice(missing.indexOf("\nRenewal\n"), missing.indexOf("\nNotes\n"));
    assert.ok(section.split("\n").every((line) => line.length <= 100));
    assert.doesNotMatch(missing, /dockpki-renew/);
    assert.doesNotMatch(renderServerReadme(sampleHost(), DIR), /Renewal|dockpki-renew/);
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

  it("with the renewal agent: how to run it from cron, a systemd user timer and CI", () => {
    const text = renderClientReadme({ name: "ci" }, hosts, { agent: AGENT });
    assert.match(text, /^ {2}dockpki-renew renews the certificate before it expires \(see Renewal\)$/m);
    assert.match(text, /^ {6}17 9 \* \* \* \/path\/to\/this\/folder\/dockpki-renew$/m);
    assert.ok(text.includes("~/.config/systemd/user/dockpki-renew.service"));
    assert.ok(text.includes("~/.config/systemd/user/dockpki-renew.timer"));
    assert.match(text, /^ {6}ExecStart=\/path\/to\/this\/folder\/dockpki-renew$/m);
    assert.ok(text.includes("systemctl --user daemon-reload && systemctl --user enable --now dockpki-renew.timer"));
    assert.match(text, /CI: a step "\.\/dockpki-renew" in this folder before the docker commands/);
    assert.ok(text.includes('A step "./dockpki-renew --check"'));
    assert.match(text, /docker\/cli#1931/);
    assert.match(text, /when less than 25% of the\s+certificate's lifetime is left/);
  });

  it("without the renewal agent: says why", () => {
    const text = renderClientReadme({ name: "ci" }, hosts, { agentMissing: MISSING });
    assert.match(text, /\n\nRenewal\n {2}This bundle has no renewal agent because .*\n {2}\S.* before it expires\.\n$/);
    assert.throws(
      () => renderClientReadme({ name: "ci" }, hosts, { agentMissing: "a\nExecStart=/bin/sh" }),
      InputError,
    );
    assert.doesNotMatch(text, /dockpki-renew/);
  });

  it("refuses hostile input", () => {
    for (const bad of HOSTILE) assert.throws(() => renderClientReadme({ name: bad }, hosts), InputError);
    for (const bad of hostileHosts()) assert.throws(() => renderClientReadme({ name: "ci" }, [bad]), InputError);
  });
});
