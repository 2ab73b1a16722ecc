import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderCustomConf, renderDaemonJsonDropIn } from "@/lib/bundles/custom-conf";
import { renderDaemonJson } from "@/lib/bundles/daemon-json";
import { systemdCommandLine } from "@/lib/bundles/quote";
import { InputError } from "@/lib/errors";
import { HOSTILE, hostileHosts, parseUnit, sampleHost, systemdWords } from "@/lib/test-support/bundle-hosts";

const DIR = "/etc/docker/ssl";

/** What systemd would run: exactly one non-empty ExecStart=, after an empty one, and nothing else. */
function execStart(unit: string): string[] {
  const entries = parseUnit(unit);
  assert.deepEqual(
    entries.map((e) => `${e.section} ${e.key}`),
    ["[Service] ExecStart", "[Service] ExecStart"],
  );
  assert.equal(entries[0].value, "");
  assert.notEqual(entries[1].value, "");
  return systemdWords(entries[1].value);
}

describe("renderCustomConf", () => {
  it("starts dockerd with the socket, the TLS port and client verification", () => {
    assert.deepEqual(execStart(renderCustomConf(sampleHost(), DIR)), [
      "/usr/bin/dockerd",
      "-H",
      "fd://",
      "-H",
      "tcp://0.0.0.0:2376",
      "--tlsverify",
      "--tlscacert=/etc/docker/ssl/ca.pem",
      "--tlscert=/etc/docker/ssl/cert.pem",
      "--tlskey=/etc/docker/ssl/key.pem",
    ]);
  });

  it("drops -H fd:// without the unix socket, and listens on 0.0.0.0 (dual-stack) when the host has IPv6", () => {
    const words = execStart(
      renderCustomConf(sampleHost({ keepUnixSocket: false, ipAddresses: ["2001:db8::5"] }), "/opt/tls"),
    );
    assert.deepEqual(words.slice(0, 3), ["/usr/bin/dockerd", "-H", "tcp://0.0.0.0:2376"]);
    assert.ok(words.includes("--tlscacert=/opt/tls/ca.pem"));
  });

  it("tls-only turns verification off explicitly and says so in a comment", () => {
    const unit = renderCustomConf(sampleHost({ tlsMode: "tls-only", port: 12376 }), DIR);
    const words = execStart(unit);
    assert.ok(words.includes("--tls") && words.includes("--tlsverify=false"));
    assert.ok(!words.includes("--tlsverify"));
    assert.ok(!words.some((w) => w.startsWith("--tlscacert")));
    assert.ok(words.includes("tcp://0.0.0.0:12376"));
    assert.match(unit, /^# WARNING: TLS without client verification/m);
  });

  it("refuses every hostile host field and setting", () => {
    for (const host of hostileHosts()) assert.throws(() => renderCustomConf(host, DIR), InputError);
    for (const bad of HOSTILE) assert.throws(() => renderCustomConf(sampleHost(), `/etc/${bad}`), InputError);
    assert.throws(() => renderCustomConf(sampleHost({ port: 2375 }), DIR), /plaintext/);
  });
});

describe("systemd quoting", () => {
  it("round-trips any printable word, so nothing can add a word or a line", () => {
    const words = [
      "/usr/bin/dockerd",
      ...HOSTILE.filter((w) => !/\p{Cc}/u.test(w)),
      "",
      'a" "b',
      "100%%",
      "$$",
      "--x=%i",
    ];
    assert.deepEqual(systemdWords(systemdCommandLine(words)), words);
  });

  it("refuses line breaks and other control characters", () => {
    assert.throws(() => systemdCommandLine(["a\nExecStart=/bin/sh"]), /control character/);
    assert.throws(() => systemdCommandLine(["a\rb"]), /control character/);
  });
});

describe("renderDaemonJson and its drop-in", () => {
  it("writes hosts and every TLS key as JSON", () => {
    assert.deepEqual(JSON.parse(renderDaemonJson(sampleHost(), DIR)), {
      hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
      tls: true,
      tlsverify: true,
      tlscacert: "/etc/docker/ssl/ca.pem",
      tlscert: "/etc/docker/ssl/cert.pem",
      tlskey: "/etc/docker/ssl/key.pem",
    });
  });

  it("listens on 0.0.0.0 for a host with an IPv6 address too", () => {
    const json = JSON.parse(renderDaemonJson(sampleHost({ ipAddresses: ["2001:db8::5"] }), DIR));
    assert.deepEqual(json.hosts, ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"]);
  });

  it("tls-only: tlsverify false (absent would mean true on dockerd 20.10), no CA; socket optional", () => {
    const json = JSON.parse(renderDaemonJson(sampleHost({ tlsMode: "tls-only", keepUnixSocket: false }), DIR));
    assert.deepEqual(json.hosts, ["tcp://0.0.0.0:2376"]);
    assert.equal(json.tlsverify, false);
    assert.equal(json.tlscacert, undefined);
  });

  it("refuses hostile input", () => {
    for (const host of hostileHosts()) assert.throws(() => renderDaemonJson(host, DIR), InputError);
    assert.throws(() => renderDaemonJson(sampleHost(), '/etc/"x'), InputError);
  });

  it("the drop-in resets ExecStart= to plain dockerd, with no -H to clash with hosts", () => {
    assert.deepEqual(execStart(renderDaemonJsonDropIn()), ["/usr/bin/dockerd"]);
  });
});
