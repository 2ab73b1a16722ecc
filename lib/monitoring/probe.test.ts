import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createNetServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { renderCustomConf } from "@/lib/bundles/custom-conf";
import {
  type EndpointResult,
  isLoopbackAddress,
  type ProbeMaterials,
  probeEndpoint,
  probeEndpoints,
} from "@/lib/monitoring/probe";
import { summarizeProbe } from "@/lib/monitoring/probe-summary";
import { createCa } from "@/lib/pki/ca";
import { keySpec } from "@/lib/pki/key-types";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildServerCertificate } from "@/lib/pki/profiles";
import { sampleHost } from "@/lib/test-support/bundle-hosts";
import { issueTestLeaf, makeTestPki } from "@/lib/test-support/bundle-pki";
import { dockerJudgeUnavailable, skipWithoutDocker } from "@/lib/test-support/docker-judge";
import { canSandbox, freePort } from "@/lib/test-support/docker-sandbox";
import { noteDockerSkip } from "@/lib/test-support/docker-skips";
import { repoRoot } from "@/lib/test-support/temp-data-dir";

// The live probe against stand-ins (Node TLS servers on 127.0.0.1 playing dockerd), then against
// the real dockerd in scripts/host-sandbox.sh. Nothing here may dial anything but loopback.
process.env.DOCKPKI_PROBE_LOOPBACK_ONLY = "1";

const VERSION = { Version: "27.5.1", ApiVersion: "1.47" };
const pki = makeTestPki();
const dirs = [pki.dir];
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase();
const monitor: ProbeMaterials = {
  trustedCaPems: [pki.caPem],
  clientCertPem: pki.clientCertPem,
  clientKeyPem: pki.clientKeyPem,
};
const tlsOnly: ProbeMaterials = { trustedCaPems: [pki.caPem] };
const local = (port: number, address = "127.0.0.1") => ({ address, port });

/** A leaf from makeTestPki's unrelated CA: issueTestLeaf signs with the ca.pem of the folder it is given. */
function foreignLeaf(name: string, extensions: string) {
  const dir = mkdtempSync(join(tmpdir(), "dockpki-probe-foreign-"));
  dirs.push(dir);
  copyFileSync(join(pki.dir, "other-ca.pem"), join(dir, "ca.pem"));
  copyFileSync(join(pki.dir, "other-ca-key.pem"), join(dir, "ca-key.pem"));
  return issueTestLeaf(dir, name, extensions);
}
const ipOnly = issueTestLeaf(pki.dir, "ip-only", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");

async function listen<T extends Server>(server: T, host = "127.0.0.1"): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/** Whether something listens on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(true)).once("error", () => resolve(false));
    socket.once("connect", () => socket.destroy());
  });
}

function canListenOn(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once("error", () => resolve(false));
    server.listen(0, host, () => server.close(() => resolve(true)));
  });
}

type Answer = (res: ServerResponse) => void;

/** A TLS stand-in for dockerd: asks for a client certificate when clientCa is given and answers
 * GET /version once it verifies; `answer` replaces that answer. Counts the requests it got. */
async function standIn(
  options: { certPem?: string; keyPem?: string; clientCa?: string; host?: string } = {},
  answer: Answer = (res) => {
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(VERSION));
  },
) {
  const requests: { method?: string; url?: string; rawHeaders: string[] }[] = [];
  const server = createHttpsServer(
    {
      cert: options.certPem ?? pki.serverCertPem,
      key: options.keyPem ?? pki.serverKeyPem,
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (req, res) => {
      requests.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders });
      answer(res);
    },
  );
  const port = await listen(server, options.host);
  return { port, requests };
}

describe("probeEndpoint against stand-ins", () => {
  test("the current certificate: ok, /version read with one plain request, TLS version and chain", async () => {
    const { port, requests } = await standIn({ clientCa: pki.caPem });
    const r = await probeEndpoint(local(port), monitor, serialOf(pki.serverCertPem));
    assert.equal(r.ok, true, r.error);
    assert.equal(r.error, undefined);
    assert.deepEqual([r.trusted, r.isCurrent, r.nameOk], [true, true, true]);
    assert.equal(r.dockerVersion, "27.5.1");
    assert.equal(r.apiVersion, "1.47");
    assert.equal(r.tlsVersion, "TLSv1.3");
    const x509 = new X509Certificate(pki.serverCertPem);
    assert.equal(r.servedSerial, x509.serialNumber.toLowerCase());
    assert.equal(r.servedNotAfter, new Date(x509.validTo).toISOString());
    assert.equal(r.servedFingerprint, x509.fingerprint256.replaceAll(":", "").toLowerCase());
    assert.deepEqual(
      r.chain?.map((c) => c.subject),
      ["CN=server", "CN=dockpki test ca"],
    );
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, "GET");
    assert.equal(requests[0].url, "/version");
    assert.deepEqual(requests[0].rawHeaders, [
      "Host",
      `127.0.0.1:${port}`,
      "Connection",
      "close",
      "User-Agent",
      "dockpki-probe/1",
    ]);
  });

  test("serial, fingerprint and notAfter are those dockpki stores for its own certificates (IPv6 too)", async (t) => {
    const ca = await createCa({ commonName: "Probe Test CA", key: keySpec("rsa", 2048) });
    const { publicKeyPem, privateKeyPem } = await generateRsaKeyPair(2048);
    const issue = () =>
      buildServerCertificate({
        publicKeyPem,
        ca,
        commonName: "docker1",
        dnsNames: ["localhost"],
        ipAddresses: ["127.0.0.1", "::1"],
        days: 30,
      });
    // A serial whose first hex digit is 0 shows that no leading zero is lost or added.
    let issued = await issue();
    for (let i = 0; i < 200 && !issued.serial.startsWith("0"); i++) issued = await issue();
    assert.match(issued.serial, /^0[1-9a-f][0-9a-f]{30}$/);
    const materials = { ...monitor, trustedCaPems: [ca.certPem] };
    const host = (await canListenOn("::1")) ? "::1" : "127.0.0.1";
    if (host !== "::1") t.diagnostic("::1 is not available here: the IPv6 half of this test did not run");
    const server = await standIn({ certPem: issued.certPem, keyPem: privateKeyPem, clientCa: pki.caPem, host });
    const r = await probeEndpoint(local(server.port, host), materials, issued.serial);
    assert.equal(r.ok, true, r.error);
    assert.equal(r.servedSerial, issued.serial);
    assert.equal(r.servedFingerprint, issued.fingerprint);
    assert.equal(r.servedNotAfter, issued.notAfter.toISOString());
    if (host === "::1") assert.equal(server.requests[0].rawHeaders[1], `[::1]:${server.port}`);
  });

  test("an old certificate: not current, not ok, and the error names both serials", async () => {
    const { port } = await standIn({ clientCa: pki.caPem });
    const current = "7c01aa55aa55aa55aa55aa55aa55aa55";
    const r = await probeEndpoint(local(port), monitor, current);
    assert.equal(r.ok, false);
    assert.equal(r.isCurrent, false);
    assert.equal(r.error, `serves serial ${serialOf(pki.serverCertPem)}, not the current certificate ${current}`);
    assert.equal(r.dockerVersion, "27.5.1", "the daemon is trusted, so /version is still read");
  });

  test("a name the certificate does not cover: nameOk false for localhost, true for its IP", async () => {
    const { port } = await standIn({ ...ipOnly, clientCa: pki.caPem });
    const byName = await probeEndpoint(local(port, "localhost"), monitor, serialOf(ipOnly.certPem));
    assert.equal(byName.nameOk, false);
    assert.equal(byName.ok, false);
    assert.equal(byName.error, "its certificate does not cover localhost");
    assert.equal(byName.isCurrent, true);
    const byIp = await probeEndpoint(local(port), monitor, serialOf(ipOnly.certPem));
    assert.equal(byIp.ok, true, byIp.error);
  });

  test("a certificate from a CA dockpki does not trust: untrusted, and not a word of HTTP", async () => {
    const foreign = foreignLeaf("foreign-server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
    const { port, requests } = await standIn({ ...foreign, clientCa: pki.caPem });
    const r = await probeEndpoint(local(port), monitor, serialOf(foreign.certPem));
    assert.equal(r.trusted, false);
    assert.equal(r.ok, false);
    assert.match(r.error ?? "", /^its certificate is not signed by a CA dockpki trusts \([A-Z_]+\)$/);
    assert.equal(r.servedSerial, serialOf(foreign.certPem));
    assert.equal(r.dockerVersion, undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(requests.length, 0);
  });

  test("a daemon that refuses the monitoring certificate with a TLS alert: the refusal, with what it served", async (t) => {
    // openssl s_server sends the alert a Go server sends; Node's TLS server just hangs up.
    const port = await freePort();
    const args = ["-accept", `127.0.0.1:${port}`, "-cert", "server.pem", "-key", "server-key.pem"];
    const server = spawn("openssl", ["s_server", ...args, "-CAfile", "other-ca.pem", "-Verify", "1", "-quiet"], {
      cwd: pki.dir,
      stdio: "ignore",
    });
    try {
      for (let i = 0; i < 50 && !(await accepts(port)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const r = await probeEndpoint(local(port), monitor, serialOf(pki.serverCertPem));
      assert.equal(r.ok, false);
      // The alert, or a reset when the request crossed it and the reset overtook it.
      assert.match(
        r.error ?? "",
        /^the daemon refused dockpki's monitoring certificate \((unknown ca|connection reset)\)$/,
      );
      t.diagnostic(r.error ?? "");
      assert.equal(r.servedSerial, serialOf(pki.serverCertPem));
      assert.deepEqual([r.trusted, r.isCurrent, r.nameOk], [true, true, true]);
    } finally {
      server.kill();
    }
  });

  test("a daemon that hangs up on the monitoring certificate: the refusal, with what it served", async () => {
    const { port, requests } = await standIn({ clientCa: pki.otherCaPem });
    const r = await probeEndpoint(local(port), monitor, serialOf(pki.serverCertPem));
    assert.equal(r.ok, false);
    assert.match(
      r.error ?? "",
      /^the daemon refused dockpki's monitoring certificate \((the connection closed|connection reset)\)$/,
    );
    assert.equal(r.servedSerial, serialOf(pki.serverCertPem));
    assert.equal(requests.length, 0);
  });

  test("a closed port: connection refused", async () => {
    const r = await probeEndpoint(local(await freePort()), monitor, null);
    assert.deepEqual([r.ok, r.error, r.servedSerial], [false, "connection refused", undefined]);
  });

  test("a server that accepts and never speaks: timed out, within the timeout", async () => {
    const held: Socket[] = [];
    const port = await listen(createNetServer((s) => held.push(s)));
    const r = await probeEndpoint(local(port), monitor, null, { timeoutMs: 300 });
    assert.equal(r.error, "timed out after 0.3 s");
    assert.ok(r.durationMs >= 290 && r.durationMs < 1500, `took ${r.durationMs} ms`);
    for (const s of held) s.destroy();
  });

  test("a redirect from /version is reported, not followed", async () => {
    const { port, requests } = await standIn({ clientCa: pki.caPem }, (res) =>
      res.writeHead(301, { Location: `https://127.0.0.1:${port}/v1.47/version` }).end(),
    );
    const r = await probeEndpoint(local(port), monitor, serialOf(pki.serverCertPem));
    assert.equal(r.ok, false);
    assert.equal(r.error, "GET /version answered HTTP 301");
    assert.equal(requests.length, 1);
  });

  test("/version: a chunked answer is read; an error, a huge or a foreign answer is not ok", async () => {
    const answers: [Answer, string | undefined][] = [
      [
        (res) => {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.write('{"Version":"27.5.1",');
          setTimeout(() => res.end('"ApiVersion":"1.47"}'), 20);
        },
        undefined,
      ],
      [(res) => res.writeHead(500).end("{}"), "GET /version answered HTTP 500"],
      [
        (res) => res.writeHead(200).end(`{"Version":"${"9".repeat(70_000)}"}`),
        "GET /version answered more than 64 KiB",
      ],
      [(res) => res.writeHead(200).end("<html>hello</html>"), "GET /version did not answer with Docker's version JSON"],
    ];
    for (const [answer, error] of answers) {
      const { port } = await standIn({ clientCa: pki.caPem }, answer);
      const r = await probeEndpoint(local(port), monitor, serialOf(pki.serverCertPem));
      assert.equal(r.error, error);
      if (!error) assert.deepEqual([r.dockerVersion, r.apiVersion], ["27.5.1", "1.47"]);
    }
  });

  test("a tls-only host: the handshake alone, ok without /version", async () => {
    const { port, requests } = await standIn();
    const r = await probeEndpoint(local(port), tlsOnly, serialOf(pki.serverCertPem));
    assert.equal(r.ok, true, r.error);
    assert.equal(r.dockerVersion, undefined);
    assert.equal(requests.length, 0);
  });

  test("DOCKPKI_PROBE_LOOPBACK_ONLY: other addresses are neither resolved nor dialled", async () => {
    for (const address of ["10.0.0.1", "2001:db8::1", "docker1.example.com"]) {
      const r = await probeEndpoint({ address, port: 2376 }, monitor, null, { timeoutMs: 5000 });
      assert.equal(r.error, `not probed: DOCKPKI_PROBE_LOOPBACK_ONLY is set and ${address} is not a loopback address`);
      assert.ok(r.durationMs < 50, `took ${r.durationMs} ms`);
      assert.equal(r.servedSerial, undefined);
    }
  });
});

test("isLoopbackAddress", () => {
  for (const a of [
    "127.0.0.1",
    "127.255.0.9",
    "::1",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "localhost",
    "a.localhost",
    "LOCALHOST.",
  ]) {
    assert.equal(isLoopbackAddress(a), true, a);
  }
  for (const a of [
    "10.0.0.1",
    "128.0.0.1",
    "2001:db8::1",
    "::",
    "::ffff:10.0.0.1",
    "::ffff:7f:1",
    "localhost.example.com",
    "127.1",
    "fe80::1%lo",
  ]) {
    assert.equal(isLoopbackAddress(a), false, a);
  }
});

test("probeEndpoints: results in input order, never more than `concurrency` connections at once", async () => {
  let open = 0;
  let most = 0;
  let accepted = 0;
  // Holds each connection 30 ms, then drops it: the probe counts it as a failed handshake.
  const port = await listen(
    createNetServer((s) => {
      accepted++;
      most = Math.max(most, ++open);
      setTimeout(() => {
        open--;
        s.destroy();
      }, 30);
    }),
  );
  const refused = await freePort();
  const targets = Array.from({ length: 40 }, (_, i) => local(i % 2 === 0 ? port : refused));
  const results = await probeEndpoints(targets, monitor, null, { concurrency: 4 });
  assert.deepEqual(
    results.map((r) => r.port),
    targets.map((t) => t.port),
  );
  for (const r of results) {
    const dropped = /^TLS handshake failed: (connection reset|the connection closed)$/;
    assert.match(r.error ?? "", r.port === refused ? /^connection refused$/ : dropped);
  }
  assert.equal(accepted, 20);
  assert.ok(most <= 4, `${most} connections at once`);
  assert.ok(most >= 2, `only ${most} at once: the probes did not run in parallel`);
});

describe("summarizeProbe", () => {
  const base = { address: "127.0.0.1", port: 2376, durationMs: 5 };
  const good: EndpointResult = {
    ...base,
    ok: true,
    servedSerial: "7c01aa55aa55aa55aa55aa55aa55aa55",
    trusted: true,
    isCurrent: true,
    nameOk: true,
  };
  const at = (address: string, r: Partial<EndpointResult>): EndpointResult => ({ ...good, address, ...r });

  test("current on every address", () => {
    assert.deepEqual(summarizeProbe([good, at("localhost", {})]), {
      status: "current",
      summary: "Serving the current certificate on 2 of 2 addresses.",
    });
  });
  test("nothing reached: unreachable, every address with its reason", () => {
    const refused = { ...base, address: "10.0.0.5", ok: false, error: "connection refused" };
    const slow = { ...base, address: "2001:db8::1", ok: false, error: "timed out after 3 s" };
    assert.deepEqual(summarizeProbe([refused, slow]), {
      status: "unreachable",
      summary: "Unreachable: 10.0.0.5:2376 connection refused; [2001:db8::1]:2376 timed out after 3 s.",
    });
    assert.equal(summarizeProbe([]).status, "unreachable");
  });
  test("untrusted beats old beats wrong name", () => {
    const untrusted = at("10.0.0.6", {
      ok: false,
      trusted: false,
      error: "its certificate is not signed by a CA dockpki trusts (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    });
    const old = at("10.0.0.7", {
      ok: false,
      isCurrent: false,
      servedSerial: "4eaf0000000000000000000000000000",
      error:
        "serves serial 4eaf0000000000000000000000000000, not the current certificate 7c01aa55aa55aa55aa55aa55aa55aa55",
    });
    const misnamed = at("docker1", { ok: false, nameOk: false, error: "its certificate does not cover docker1" });
    assert.deepEqual(summarizeProbe([good, misnamed, old, untrusted]), {
      status: "untrusted",
      summary:
        "The certificate served at 10.0.0.6:2376 is not signed by a CA dockpki trusts (UNABLE_TO_VERIFY_LEAF_SIGNATURE).",
    });
    assert.deepEqual(summarizeProbe([good, misnamed, old]), {
      status: "old",
      summary: "10.0.0.7:2376 serves serial 4eaf…, not the current certificate 7c01….",
    });
    assert.deepEqual(summarizeProbe([misnamed, good, at("docker2", { ...misnamed, address: "docker2" })]), {
      status: "wrong-name",
      summary: "The certificate served at docker1:2376 does not cover docker1 (and 1 more address).",
    });
  });
  test("right certificates where seen, but an address failed: unreachable, naming it", () => {
    const refused = { ...base, address: "10.0.0.5", ok: false, error: "connection refused" };
    const refusal = at("10.0.0.8", {
      ok: false,
      error: "the daemon refused dockpki's monitoring certificate (unknown ca)",
    });
    assert.deepEqual(summarizeProbe([good, refused]), {
      status: "unreachable",
      summary: "Serving the current certificate on 1 of 2 addresses; 10.0.0.5:2376: connection refused.",
    });
    assert.equal(summarizeProbe([refusal]).status, "unreachable");
  });
  test("no current certificate on record counts as old", () => {
    const unknown = at("127.0.0.1", {
      ok: false,
      isCurrent: undefined,
      error: "serves serial 7c01aa55aa55aa55aa55aa55aa55aa55, but dockpki has no current certificate for it",
    });
    assert.equal(summarizeProbe([unknown]).status, "old");
  });
});

describe("against the real dockerd (scripts/host-sandbox.sh)", { timeout: 240_000 }, () => {
  const SANDBOX = join(repoRoot, "scripts", "host-sandbox.sh");
  const NO_SANDBOX = "host-sandbox.sh needs root and unshare (run the unit tests as root)";
  const unavailable = () => dockerJudgeUnavailable() || (canSandbox ? false : NO_SANDBOX);
  /** For a test about to run: why it has to skip (noted for the run's last line), or false. */
  const skipHere = (): string | false => {
    const docker = skipWithoutDocker();
    if (docker) return docker;
    if (!canSandbox) noteDockerSkip(NO_SANDBOX);
    return unavailable();
  };
  let sandbox = "";
  let port = 0;
  /** Runs a command as root on the sandboxed host; its output. */
  const onHost = (command: string): string => {
    const r = spawnSync("bash", [SANDBOX, "run", sandbox, "sh", "-c", command], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `${command}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const served = serialOf(ipOnly.certPem);
  const probe = (address = "127.0.0.1", expect = served, materials = monitor) =>
    probeEndpoint({ address, port }, materials, expect, { timeoutMs: 10_000 });

  before(async () => {
    if (unavailable()) return;
    sandbox = mkdtempSync(join(tmpdir(), "dockpki-probe-host-"));
    dirs.push(sandbox);
    port = await freePort();
    const files = mkdtempSync(join(tmpdir(), "dockpki-probe-files-"));
    dirs.push(files);
    const host = sampleHost({ name: "probe", dnsNames: [], ipAddresses: ["127.0.0.1"], port, keepUnixSocket: false });
    writeFileSync(join(files, "custom.conf"), renderCustomConf(host, "/etc/docker/ssl"));
    writeFileSync(join(files, "ca.pem"), pki.caPem);
    // A server certificate for 127.0.0.1 only, so that "localhost" is a name it does not cover.
    writeFileSync(join(files, "cert.pem"), ipOnly.certPem);
    writeFileSync(join(files, "key.pem"), ipOnly.keyPem);
    execFileSync("bash", [SANDBOX, "start", sandbox]);
    onHost(
      `mkdir -p /etc/docker/ssl /etc/systemd/system/docker.service.d && cp ${files}/*.pem /etc/docker/ssl/ &&
       chmod 600 /etc/docker/ssl/key.pem && cp ${files}/custom.conf /etc/systemd/system/docker.service.d/ &&
       systemctl daemon-reload && systemctl restart docker`,
    );
    // systemctl returns once dockerd says it listens; wait (bounded) until it answers as well.
    for (let i = 0; i < 60 && (await probe()).error === "connection refused"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
  after(() => {
    if (sandbox) spawnSync("bash", [SANDBOX, "stop", sandbox], { timeout: 60_000 });
  });

  test("the current certificate: ok, with dockerd's version and API version", async (t) => {
    const skip = skipHere();
    if (skip) return t.skip(skip);
    const r = await probe();
    assert.equal(r.ok, true, r.error);
    assert.equal(r.servedSerial, served);
    assert.ok(r.dockerVersion && r.apiVersion, JSON.stringify(r));
    const installed = onHost("dockerd --version");
    assert.ok(installed.includes(r.dockerVersion), `${installed} does not name ${r.dockerVersion}`);
    assert.match(r.apiVersion, /^1\.\d+$/);
    t.diagnostic(`dockerd ${r.dockerVersion}, API ${r.apiVersion}, ${r.tlsVersion}, ${r.durationMs} ms`);
  });

  test("expecting another serial: not current", async (t) => {
    const skip = skipHere();
    if (skip) return t.skip(skip);
    const r = await probe("127.0.0.1", "4eaf00000000000000000000000000aa");
    assert.equal(r.isCurrent, false);
    assert.equal(r.error, `serves serial ${served}, not the current certificate 4eaf00000000000000000000000000aa`);
  });

  test("by a name its certificate lacks: nameOk false", async (t) => {
    const skip = skipHere();
    if (skip) return t.skip(skip);
    const r = await probe("localhost");
    assert.equal(r.nameOk, false);
    assert.equal(r.error, "its certificate does not cover localhost");
  });

  test("with a client certificate from a foreign CA: dockerd's refusal, with what it served", async (t) => {
    const skip = skipHere();
    if (skip) return t.skip(skip);
    const foreign = foreignLeaf("foreign-client", "extendedKeyUsage=clientAuth");
    const r = await probe("127.0.0.1", served, {
      ...monitor,
      clientCertPem: foreign.certPem,
      clientKeyPem: foreign.keyPem,
    });
    assert.match(r.error ?? "", /^the daemon refused dockpki's monitoring certificate \(.+\)$/);
    assert.equal(r.servedSerial, served);
    t.diagnostic(r.error ?? "");
  });

  test("dockerd stopped: connection refused", async (t) => {
    const skip = skipHere();
    if (skip) return t.skip(skip);
    onHost("systemctl stop docker");
    const r = await probe();
    assert.equal(r.error, "connection refused");
  });
});
