import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import type { AgentSettings } from "@/lib/bundles/agent-config";
import { renderRenewAgent } from "@/lib/bundles/renew-agent";
import { renderRenewService, renderRenewTimer } from "@/lib/bundles/renew-units";
import { InputError } from "@/lib/errors";
import { type KeyType, keySpec } from "@/lib/pki/key-types";
import { HOSTILE, hostileHosts, parseUnit, sampleHost, shellSyntaxOk } from "@/lib/test-support/bundle-hosts";
import { makeTestPki } from "@/lib/test-support/bundle-pki";
import {
  canSandbox,
  dockerBin,
  type Env,
  freePort,
  inSandbox,
  runAsync,
  servedSerialInto,
  stopDocker,
  tempDir,
} from "@/lib/test-support/docker-sandbox";
import { type FakeDashboard, type HolderKind, startFakeDashboard } from "@/lib/test-support/fake-dashboard";

const settings = (dashboardUrl: string, more: Partial<AgentSettings> = {}): AgentSettings => ({
  dashboardUrl,
  dashboardCaPem: null,
  renewAtRemainingPercent: 33,
  renewWindow: null,
  ...more,
});
// The fake dashboard's certificates last 3 days: with 33%, renewal is due in their last 0.99 day.
const dueTime = () => String(Math.floor(Date.now() / 1000) + 2.5 * 86400);
const SERVER = { host: sampleHost(), sslDir: "/etc/docker/ssl" };
const hasDocker = spawnSync("docker", ["--version"]).status === 0;

const ssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: "pipe" });
const serialOf = (certFile: string) => ssl("x509", "-in", certFile, "-noout", "-serial").trim().slice(7).toLowerCase();
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("renderRenewAgent", () => {
  it("parses in sh and bash, in both modes", () => {
    const ca = makeTestPki().caPem;
    for (const script of [
      renderRenewAgent("client", settings("https://dockpki.example.com/pki", { dashboardCaPem: ca })),
      renderRenewAgent("server", settings("http://[fd00::1]:3000", { renewWindow: "Mon,Thu 02:00-04:00" }), SERVER),
    ]) {
      assert.ok(script.startsWith("#!/bin/sh\n"));
      assert.match(script, /^set -eu$/m);
      shellSyntaxOk("sh", script);
      shellSyntaxOk("bash", script);
    }
  });

  it("refuses hostile input and settings it cannot write safely", () => {
    const good = settings("https://dockpki.example.com");
    for (const bad of hostileHosts()) {
      assert.throws(() => renderRenewAgent("server", good, { host: bad, sslDir: "/etc/docker/ssl" }), InputError);
    }
    for (const bad of HOSTILE) {
      assert.throws(() => renderRenewAgent("server", good, { host: sampleHost(), sslDir: `/x/${bad}` }), InputError);
      assert.throws(() => renderRenewAgent("client", settings(`https://x.example.com/${bad}`)), InputError);
      assert.throws(() => renderRenewAgent("client", settings(`https://${bad}`)), InputError);
      assert.throws(() => renderRenewAgent("client", { ...good, dashboardCaPem: bad }), InputError);
      assert.throws(() => renderRenewAgent("server", { ...good, renewWindow: bad }, SERVER), InputError);
    }
    const urls = ["ftp://x.example.com", "https://user:pw@x.example.com", "https://x.example.com/?a=1"];
    urls.push("https://x.example.com/#f", "https://x.example.com/", "https://X.example.com", "http://x:80", "x.com");
    for (const url of urls) assert.throws(() => renderRenewAgent("client", settings(url)), InputError, url);
    for (const percent of [0, 91, 33.5, Number.NaN]) {
      assert.throws(() => renderRenewAgent("client", { ...good, renewAtRemainingPercent: percent }), InputError);
    }
    for (const window of ["25:00-01:00", "Mon 02:00", "Mon,Funday 01:00-02:00", "02:00-02:00", "mon 01:00-02:00"]) {
      assert.throws(() => renderRenewAgent("server", { ...good, renewWindow: window }, SERVER), InputError, window);
    }
    assert.throws(() => renderRenewAgent("server", good), /needs its host/);
  });

  it("server mode refuses to renew unless root, before anything else", () => {
    const dir = tempDir("dockpki-agent-");
    writeFileSync(join(dir, "dockpki-renew"), renderRenewAgent("server", settings("http://127.0.0.1:1"), SERVER));
    writeFileSync(join(dir, "id"), "#!/bin/sh\necho 1000\n", { mode: 0o755 });
    const env = { PATH: `${dir}:/usr/bin:/bin`, NODE_ENV: "test" } as const;
    const r = spawnSync("sh", [join(dir, "dockpki-renew")], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^dockpki-renew: run this as root: sudo .*dockpki-renew\n$/);
  });
});

describe("renderRenewService and renderRenewTimer", () => {
  const hasSystemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
  const timer = (window: string | null) =>
    parseUnit(renderRenewTimer(window))
      .filter((e) => e.section === "[Timer]")
      .map((e) => `${e.key}=${e.value}`);

  it("a oneshot service that runs the agent", () => {
    const service = parseUnit(renderRenewService()).filter((e) => e.section === "[Service]");
    assert.deepEqual(
      service.map((e) => `${e.key}=${e.value}`),
      ["Type=oneshot", "ExecStart=/usr/local/sbin/dockpki-renew"],
    );
  });

  it("daily at a random time, catching up after downtime; or spread over the window, without catching up", () => {
    assert.deepEqual(timer(null), ["OnCalendar=daily", "RandomizedDelaySec=6h", "Persistent=true"]);
    assert.deepEqual(timer("Mon,Thu 02:00-04:00"), ["OnCalendar=Mon,Thu *-*-* 02:00:00", "RandomizedDelaySec=120min"]);
    assert.deepEqual(timer("23:30-01:15"), ["OnCalendar=*-*-* 23:30:00", "RandomizedDelaySec=105min"]);
    assert.ok(parseUnit(renderRenewTimer(null)).some((e) => e.key === "WantedBy" && e.value === "timers.target"));
  });

  it("writes calendar specs systemd accepts", {
    skip: !hasSystemdAnalyze && "systemd-analyze is not installed",
  }, () => {
    for (const window of [null, "Sat,Sun 01:00-05:00", "00:00-23:59"]) {
      const spec = timer(window)[0].replace(/^OnCalendar=/, "");
      const r = spawnSync("systemd-analyze", ["calendar", spec], { encoding: "utf8" });
      assert.equal(r.status, 0, `${spec}: ${r.stderr}`);
    }
  });

  it("refuses a window it cannot write", () => {
    for (const bad of [
      ...HOSTILE,
      "24:00-01:00",
      "02:00-02:00",
      "Mon-Fri 01:00-02:00",
      "Mon, Thu 01:00-02:00",
      "1:00-2:00",
    ]) {
      assert.throws(() => renderRenewTimer(bad), InputError, bad);
    }
  });
});

interface Folder {
  dir: string;
  serial: string;
  /** The environment the agent runs with: nothing of this machine's but PATH. */
  env: Env;
  tmp: string;
}

/** A client bundle folder with a certificate from fake, and the agent in it. */
function clientFolder(
  fake: FakeDashboard,
  options: { keyType?: KeyType; agent?: Partial<AgentSettings> } = {},
): Folder {
  const base = tempDir("dockpki-agent-");
  const dir = join(base, "alice@example.com");
  const tmp = join(base, "tmp");
  mkdirSync(dir);
  mkdirSync(tmp);
  const issued = fake.issue("client", { keyType: options.keyType });
  writeFileSync(join(dir, "ca.pem"), fake.caPems().join(""), { mode: 0o644 });
  writeFileSync(join(dir, "cert.pem"), issued.certPem, { mode: 0o644 });
  writeFileSync(join(dir, "key.pem"), issued.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, "dockpki-renew"), renderRenewAgent("client", settings(fake.url, options.agent)));
  chmodSync(join(dir, "dockpki-renew"), 0o755);
  const env = { PATH: process.env.PATH, HOME: base, DOCKER_CONFIG: join(base, "docker-config"), TMPDIR: tmp };
  return { dir, serial: issued.serial, env, tmp };
}

function runAgent(folder: Folder, args: string[] = [], env: Env = {}) {
  return runAsync(join(folder.dir, "dockpki-renew"), args, { ...folder.env, ...env });
}

/** The certificate files as `name mode sha256` lines. */
function files(dir: string): string[] {
  return ["ca.pem", "cert.pem", "key.pem"].map(
    (f) => `${f} ${(statSync(join(dir, f)).mode & 0o777).toString(8)} ${sha256(readFileSync(join(dir, f), "utf8"))}`,
  );
}

const state = (dir: string) =>
  Object.fromEntries(
    readFileSync(join(dir, "dockpki-renew.state"), "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

/** Nothing left behind: no temporary folder, no lock, no half-written file. */
function assertClean(folder: Folder) {
  assert.deepEqual(readdirSync(folder.tmp), []);
  assert.deepEqual(
    readdirSync(folder.dir).filter((f) => f.includes("lock") || f.includes("tmp")),
    [],
  );
}

describe("dockpki-renew, client mode, against a fake dashboard", () => {
  let fake: FakeDashboard;
  before(async () => {
    fake = await startFakeDashboard();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.behaviour = { kind: "ok" };
    fake.refuseReports = null;
    fake.wantedKey = null;
  });

  it("renews when due: a new key, a certificate that chains to ca.pem and matches it, reported", async () => {
    const folder = clientFolder(fake);
    const oldKey = readFileSync(join(folder.dir, "key.pem"), "utf8");
    const r = await runAgent(folder, [], { DOCKPKI_NOW: dueTime() });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
    const serial = serialOf(join(folder.dir, "cert.pem"));
    assert.notEqual(serial, folder.serial);
    assert.match(
      r.stdout,
      new RegExp(
        `^dockpki-renew: renewed: serial ${serial}, valid until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; the files are in `,
      ),
    );
    const verified = ssl(
      "verify",
      "-no-CApath",
      "-CAfile",
      join(folder.dir, "ca.pem"),
      "-purpose",
      "sslclient",
      join(folder.dir, "cert.pem"),
    );
    assert.match(verified, /: OK/);
    const key = readFileSync(join(folder.dir, "key.pem"), "utf8");
    assert.notEqual(key, oldKey);
    assert.equal(
      ssl("x509", "-in", join(folder.dir, "cert.pem"), "-noout", "-pubkey"),
      ssl("pkey", "-in", join(folder.dir, "key.pem"), "-pubout"),
    );
    assert.deepEqual(
      files(folder.dir).map((l) => l.split(" ").slice(0, 2).join(" ")),
      ["ca.pem 644", "cert.pem 644", "key.pem 600"],
    );
    assert.deepEqual(fake.reports.at(-1), {
      serial,
      outcome: "ok",
      servedSerial: "",
      message: r.stdout
        .trim()
        .replace(/^dockpki-renew: /, "")
        .replace(/; the files are in .*$/, ""),
    });
    assert.equal(state(folder.dir).outcome, "ok");
    assert.equal(state(folder.dir).serial, serial);
    assertClean(folder);
    const check = await runAgent(folder, ["--check"]);
    assert.equal(check.status, 0, check.stdout);
  });

  it("under an issuing CA: installs leaf + intermediate as cert.pem, which verifies against the root in ca.pem", async () => {
    const folder = clientFolder(fake);
    fake.behaviour = { kind: "intermediate" };
    const r = await runAgent(folder, [], { DOCKPKI_NOW: dueTime() });
    assert.equal(r.status, 0, r.stderr);
    const cert = readFileSync(join(folder.dir, "cert.pem"), "utf8");
    assert.equal(cert.match(/BEGIN CERTIFICATE/g)?.length, 2, "the leaf, then the intermediate");
    assert.match(ssl("x509", "-in", join(folder.dir, "cert.pem"), "-noout", "-issuer"), /Fake Issuing CA/);
    const verified = ssl(
      ...["verify", "-no-CApath", "-CAfile", join(folder.dir, "ca.pem"), "-untrusted", join(folder.dir, "cert.pem")],
      ...["-purpose", "sslclient", join(folder.dir, "cert.pem")],
    );
    assert.match(verified, /: OK/);
    assert.equal(fake.reports.at(-1)?.outcome, "ok");
    assertClean(folder);
    // and the next renewal, from a folder whose cert.pem holds a chain, works as well
    const again = await runAgent(folder, ["--now"]);
    assert.equal(again.status, 0, again.stderr);
  });

  it("asks the dashboard nothing while it is not due", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    const requests = fake.requests.length;
    const r = await runAgent(folder);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^dockpki-renew: not due: serial \w+ is valid until .*; renewal is due from .* UTC\n$/);
    assert.equal(fake.requests.length, requests);
    assert.deepEqual(files(folder.dir), before);
    assert.ok(!existsSync(join(folder.dir, "dockpki-renew.state")));
    assertClean(folder);
  });

  it("--now renews whatever is left, and DOCKPKI_DIR names the folder", async () => {
    const folder = clientFolder(fake);
    const elsewhere = tempDir("dockpki-agent-bin-");
    writeFileSync(join(elsewhere, "dockpki-renew"), readFileSync(join(folder.dir, "dockpki-renew")), { mode: 0o755 });
    const r = await runAsync(join(elsewhere, "dockpki-renew"), ["--now"], { ...folder.env, DOCKPKI_DIR: folder.dir });
    assert.equal(r.status, 0, r.stderr);
    assert.notEqual(serialOf(join(folder.dir, "cert.pem")), folder.serial);
    assert.deepEqual(readdirSync(elsewhere), ["dockpki-renew"]);
  });

  it("--check says what is due and how the last attempt went, without asking the dashboard", async () => {
    const folder = clientFolder(fake);
    const requests = fake.requests.length;
    const fresh = await runAgent(folder, ["--check"]);
    assert.equal(fresh.status, 0);
    assert.match(fresh.stdout, new RegExp(`serial ${folder.serial}, valid from .* until`));
    assert.match(fresh.stdout, /^renewal: not due; due from .* \(when less than 33% of its lifetime is left\)$/m);
    assert.match(fresh.stdout, /^last attempt: none yet$/m);
    const due = await runAgent(folder, ["--check"], { DOCKPKI_NOW: dueTime() });
    assert.equal(due.status, 1);
    assert.match(due.stdout, /^renewal: due since /m);
    assert.equal(fake.requests.length, requests);
    fake.behaviour = { kind: "refuse", status: 429, message: "Too many renewals for this certificate." };
    assert.equal((await runAgent(folder, ["--now"])).status, 1);
    const failed = await runAgent(folder, ["--check"]);
    assert.equal(failed.status, 1);
    assert.match(
      failed.stdout,
      /^last attempt: .* UTC, serial \w+: failed: the dashboard refused the renewal \(HTTP 429\): Too many/m,
    );
    for (const args of [["--later"], ["--now", "--check"]]) {
      const bad = await runAgent(folder, args);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /Usage: dockpki-renew \[--now \| --check\]/);
    }
  });

  it("a refusal: exit 1, one line with the dashboard's message, files unchanged, failure reported", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    fake.behaviour = { kind: "refuse", status: 403, message: "This certificate was revoked." };
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "dockpki-renew: the dashboard refused the renewal: This certificate was revoked.\n");
    assert.deepEqual(files(folder.dir), before);
    assert.equal(state(folder.dir).outcome, "failed");
    assert.equal(state(folder.dir).message, "the dashboard refused the renewal: This certificate was revoked.");
    assert.deepEqual(fake.reports.at(-1), {
      serial: folder.serial,
      outcome: "failed",
      servedSerial: "",
      message: "the dashboard refused the renewal: This certificate was revoked.",
    });
    assertClean(folder);
  });

  it("an unreachable dashboard: one line with curl's reason, nothing reported", async () => {
    const folder = clientFolder(fake);
    const reports = fake.reports.length;
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await runAgent(folder, ["--now"], { DOCKPKI_URL: `${url}/` });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(`^dockpki-renew: the dashboard is unreachable at ${url}: [^\\n]*connect[^\\n]*\\n$`, "i"),
    );
    assert.equal(fake.reports.length, reports);
    assert.equal(state(folder.dir).outcome, "failed");
    assertClean(folder);
  });

  it("refuses an answer with anything but whole CERTIFICATE blocks (a TRUSTED CERTIFICATE slipped in)", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    fake.behaviour = { kind: "trusted-block" };
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^dockpki-renew: the answer of \S+ is not a dockpki renewal answer\n$/);
    assert.deepEqual(files(folder.dir), before);
    assert.doesNotMatch(readFileSync(join(folder.dir, "ca.pem"), "utf8"), /TRUSTED/);
  });

  it("asks again with the same new key after an answer that never arrived, and a fresh one after an answer", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    // The public key of a request's CSR (printed by openssl), hashed.
    const csrKeyOf = (request: { body: Record<string, unknown> }) =>
      createHash("sha256")
        .update(
          execFileSync("sh", [
            "-c",
            `printf %s '${request.body.csr}' | openssl base64 -d -A | openssl req -inform DER -noout -pubkey`,
          ]),
        )
        .digest("hex");
    fake.behaviour = { kind: "lose-answer" };
    const lost = await runAgent(folder, ["--now"]);
    assert.equal(lost.status, 1);
    assert.match(lost.stderr, /unreachable/);
    assert.deepEqual(files(folder.dir), before);
    assert.ok(existsSync(join(folder.dir, "dockpki-renew.next-key.pem")));
    assert.equal(statSync(join(folder.dir, "dockpki-renew.next-key.pem")).mode & 0o777, 0o600);
    fake.behaviour = { kind: "ok" };
    const again = await runAgent(folder, ["--now"]);
    assert.equal(again.status, 0, again.stderr);
    const [first, second] = fake.requests.filter((r) => r.path === "/api/v1/renew").slice(-2);
    assert.equal(csrKeyOf(second), csrKeyOf(first), "the same new key, so the dashboard can answer again");
    assert.ok(!existsSync(join(folder.dir, "dockpki-renew.next-key.pem")));
    const third = await runAgent(folder, ["--now"]);
    assert.equal(third.status, 0, third.stderr);
    const last = fake.requests.filter((r) => r.path === "/api/v1/renew").at(-1);
    assert.notEqual(last && csrKeyOf(last), csrKeyOf(second));
  });

  it("refuses a certificate that does not chain to the CAs it trusts, and a CA nothing vouches for", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    fake.behaviour = { kind: "foreign-cert" };
    const foreign = await runAgent(folder, ["--now"]);
    assert.equal(foreign.status, 1);
    assert.match(
      foreign.stderr,
      /^dockpki-renew: the new certificate does not chain to the CA certificates of the dashboard's answer \(sslclient\): unable to get local issuer certificate\n$/,
    );
    assert.deepEqual(files(folder.dir), before);
    assert.equal(fake.reports.at(-1)?.outcome, "failed");
    fake.behaviour = { kind: "extra-ca" };
    const extra = await runAgent(folder, ["--now"]);
    assert.equal(extra.status, 1);
    assert.match(
      extra.stderr,
      /^dockpki-renew: the dashboard's answer asks to trust a new CA \(subject=CN ?= ?dockpki test other-ca\) that no CA trusted now vouches for with a cross certificate\n$/,
    );
    assert.deepEqual(files(folder.dir), before);
    assertClean(folder);
  });

  it("a report the dashboard does not take is a warning, and the renewal stands", async () => {
    const folder = clientFolder(fake);
    fake.refuseReports = "Reports are off for this test.";
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 0);
    assert.equal(
      r.stderr,
      "dockpki-renew: warning: the dashboard did not take the report of this renewal: Reports are off for this test.\n",
    );
    assert.match(r.stdout, /^dockpki-renew: renewed: /);
    assert.equal(state(folder.dir).outcome, "ok");
  });

  it("says plainly which tool is missing, and changes nothing", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    const bin = tempDir("dockpki-bin-");
    for (const tool of ["dirname", "openssl", "awk", "sed", "mktemp"]) {
      symlinkSync(execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), join(bin, tool));
    }
    const r = await runAgent(folder, ["--now"], { PATH: bin });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      "dockpki-renew: curl is not installed, and dockpki-renew needs it: install it (apt-get install curl, or dnf install curl)\n",
    );
    assert.deepEqual(files(folder.dir), before);
  });

  const keyText = (folder: Folder) => ssl("pkey", "-in", join(folder.dir, "key.pem"), "-noout", "-text_pub");
  const certKey = (folder: Folder) => ssl("x509", "-in", join(folder.dir, "cert.pem"), "-noout", "-pubkey");
  const keyOf = (folder: Folder) => ssl("pkey", "-in", join(folder.dir, "key.pem"), "-pubout");
  /** The key of each renewal request's CSR: its curve, or its RSA size. */
  const renewalKeys = () =>
    fake.requests
      .filter((r) => r.path === "/api/v1/renew")
      .map((r) => {
        const der = Buffer.from(String(r.body.csr), "base64");
        const text = execFileSync("openssl", ["req", "-inform", "DER", "-noout", "-text"], { input: der }).toString();
        return /ASN1 OID: (\w+)/.exec(text)?.[1] ?? /Public-Key: \((\d+) bit\)/.exec(text)?.[1];
      });

  for (const [keyType, curve] of [
    ["ecdsa-p256", "prime256v1"],
    ["ecdsa-p384", "secp384r1"],
  ] as const) {
    it(`renews an ${keyType} key with a new ${keyType} key`, async () => {
      const folder = clientFolder(fake, { keyType });
      const oldKey = keyOf(folder);
      const r = await runAgent(folder, ["--now"]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(keyText(folder), new RegExp(`\nASN1 OID: ${curve}\n`));
      assert.notEqual(keyOf(folder), oldKey);
      assert.equal(certKey(folder), keyOf(folder));
    });
  }

  it("makes the key type the dashboard asks for (409), and only when it asks", async () => {
    const folder = clientFolder(fake);
    const asked = renewalKeys().length;
    fake.wantedKey = keySpec("ecdsa-p384");
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^dockpki-renew: renewed: serial \w+, valid until .* UTC, with a new ecdsa-p384 key of 384 bits as the dashboard asks; /,
    );
    assert.match(keyText(folder), /\nASN1 OID: secp384r1\n/);
    assert.equal(certKey(folder), keyOf(folder));
    assert.deepEqual(renewalKeys().slice(asked), ["2048", "secp384r1"], "an RSA 2048 key first, then P-384");
    assert.match(fake.reports.at(-1)?.message ?? "", /, with a new ecdsa-p384 key of 384 bits as the dashboard asks$/);
    assert.ok(!existsSync(join(folder.dir, "dockpki-renew.next-key.pem")));
    // Asked for the key it has: one request, the same type again.
    const again = await runAgent(folder, ["--now"]);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /as the dashboard asks/);
    assert.deepEqual(renewalKeys().slice(asked + 2), ["secp384r1"]);
    // RSA of a given size, asked of an ECDSA key.
    fake.wantedKey = keySpec("rsa", 3072);
    assert.equal((await runAgent(folder, ["--now"])).status, 0);
    assert.match(keyText(folder), /^Public-Key: \(3072 bit\)\nModulus:/);
    // A 409 that names no key it makes is a refusal like any other, and the new key is kept for next time.
    fake.behaviour = { kind: "refuse", status: 409, message: "Something else conflicts." };
    const before = files(folder.dir);
    const refused = await runAgent(folder, ["--now"]);
    assert.equal(refused.status, 1);
    assert.equal(
      refused.stderr,
      "dockpki-renew: the dashboard refused the renewal (HTTP 409): Something else conflicts.\n",
    );
    assert.deepEqual(files(folder.dir), before);
    assert.ok(existsSync(join(folder.dir, "dockpki-renew.next-key.pem")));
  });

  it("puts the files back when one cannot be moved in place", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    const bin = tempDir("dockpki-bin-");
    const mv = `#!/bin/sh\ncase "$*" in */key.pem) echo "mv: no space left on device" >&2; exit 1 ;; esac\nexec /bin/mv "$@"\n`;
    writeFileSync(join(bin, "mv"), mv, { mode: 0o755 });
    const r = await runAgent(folder, ["--now"], { PATH: `${bin}:${process.env.PATH}` });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^dockpki-renew: cannot replace \S+\/key\.pem \(mv: no space left on device\); the previous files are back\n$/,
    );
    assert.deepEqual(files(folder.dir), before);
    assertClean(folder);
  });

  it("runs once at a time, and takes over the lock of a run that died", async () => {
    const folder = clientFolder(fake);
    const lock = join(folder.dir, "dockpki-renew.lock");
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), `${process.pid}\n`);
    const busy = await runAgent(folder, ["--now"]);
    assert.equal(busy.status, 1);
    assert.equal(busy.stderr, `dockpki-renew: another dockpki-renew is running (process ${process.pid})\n`);
    assert.ok(existsSync(lock));
    writeFileSync(join(lock, "pid"), `${spawnSync("true").pid}\n`);
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(lock));
  });

  it("updates the docker contexts made from the previous certificate, and only those", {
    skip: !hasDocker && "the docker CLI is not installed",
  }, async () => {
    const folder = clientFolder(fake);
    const other = clientFolder(fake);
    const docker = (...args: string[]) =>
      execFileSync("docker", args, { env: { ...folder.env, NODE_ENV: "test" }, encoding: "utf8", stdio: "pipe" });
    const spec = (dir: string, port: number) =>
      `host=tcp://127.0.0.1:${port},ca=${dir}/ca.pem,cert=${dir}/cert.pem,key=${dir}/key.pem`;
    docker("context", "create", "mine", "--docker", spec(folder.dir, 2376));
    docker("context", "create", "theirs", "--docker", spec(other.dir, 2377));
    const contextCert = (name: string) =>
      readFileSync(join(folder.env.DOCKER_CONFIG as string, "contexts/tls", sha256(name), "docker/cert.pem"), "utf8");
    const theirs = contextCert("theirs");
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /; docker contexts updated: mine\n$/);
    assert.equal(contextCert("mine"), readFileSync(join(folder.dir, "cert.pem"), "utf8"));
    assert.equal(
      docker("context", "inspect", "--format", "{{.Endpoints.docker.Host}}", "mine").trim(),
      "tcp://127.0.0.1:2376",
    );
    assert.equal(contextCert("theirs"), theirs);
  });
});

describe("dockpki-renew across a CA rotation", () => {
  let fake: FakeDashboard;
  before(async () => {
    fake = await startFakeDashboard();
  });
  after(() => fake.close());

  it("takes the new CA through its cross certificate, and keeps renewing after the old CA is dropped", async () => {
    const folder = clientFolder(fake);
    fake.rotate();
    const [newCa, oldCa] = fake.caPems();
    const rotated = await runAgent(folder, ["--now"]);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.equal(readFileSync(join(folder.dir, "ca.pem"), "utf8"), newCa + oldCa);
    const onlyNew = join(folder.tmp, "..", "new-ca.pem");
    writeFileSync(onlyNew, newCa);
    assert.match(ssl("verify", "-no-CApath", "-CAfile", onlyNew, join(folder.dir, "cert.pem")), /: OK/);
    fake.dropOldCas();
    const dropped = await runAgent(folder, ["--now"]);
    assert.equal(dropped.status, 0, dropped.stderr);
    assert.equal(readFileSync(join(folder.dir, "ca.pem"), "utf8"), newCa);
  });

  it("refuses a rotation whose cross certificate a CA it does not trust signed", async () => {
    const folder = clientFolder(fake);
    const before = files(folder.dir);
    fake.rotate({ crossSignedBy: "foreign" });
    const r = await runAgent(folder, ["--now"]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^dockpki-renew: the dashboard's answer asks to trust a new CA \(.*\) that no CA trusted now vouches for/,
    );
    assert.deepEqual(files(folder.dir), before);
  });
});

describe("dockpki-renew with a dashboard behind a private CA", () => {
  const tls = makeTestPki();
  let fake: FakeDashboard;
  before(async () => {
    fake = await startFakeDashboard({ tls: { certPem: tls.serverCertPem, keyPem: tls.serverKeyPem } });
  });
  after(() => fake.close());

  it("trusts the CA baked into it, and no other for the dashboard", async () => {
    const trusting = clientFolder(fake, { agent: { dashboardCaPem: tls.caPem } });
    const r = await runAgent(trusting, ["--now"]);
    assert.equal(r.status, 0, r.stderr);
    const plain = clientFolder(fake);
    const refused = await runAgent(plain, ["--now"]);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /^dockpki-renew: the dashboard is unreachable at https:\/\/127\.0\.0\.1:\d+: .*certificate/,
    );
  });
});

describe("dockpki-renew, server mode, in a sandbox", { skip: !canSandbox && "needs root and unshare -m" }, () => {
  let fake: FakeDashboard;
  before(async () => {
    fake = await startFakeDashboard();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.behaviour = { kind: "ok" };
  });

  /** A host whose dockerd (s_server) serves a certificate from fake; then the agent runs as root. */
  async function onHost(
    options: {
      args?: string[];
      now?: string;
      dockerFails?: boolean;
      /** The agent's restart of docker hangs (the agent gives up on it after 8 seconds). */
      dockerHangs?: boolean;
      kind?: HolderKind;
      runAgain?: boolean;
    } = {},
  ) {
    const port = await freePort();
    const issued = fake.issue(options.kind ?? "server");
    const seed = tempDir("dockpki-seed-");
    const out = tempDir("dockpki-result-");
    mkdirSync(join(out, "tmp"));
    mkdirSync(join(out, "ssl"));
    writeFileSync(join(seed, "ca.pem"), fake.caPems().join(""));
    writeFileSync(join(seed, "cert.pem"), issued.certPem);
    writeFileSync(join(seed, "key.pem"), issued.keyPem);
    const agent = renderRenewAgent("server", settings(fake.url), {
      host: sampleHost({ port }),
      sslDir: "/etc/docker/ssl",
    });
    writeFileSync(
      join(seed, "dockpki-renew"),
      options.dockerHangs ? agent.replace(/^RESTART_WAIT=\d+$/m, "RESTART_WAIT=8") : agent,
    );
    const bin = dockerBin(port);
    if (options.dockerHangs) {
      // the next "restart docker" hangs, as one of a dockerd waiting for containerd does
      renameSync(join(bin, "systemctl"), join(bin, "systemctl.real"));
      writeFileSync(
        join(bin, "systemctl"),
        `#!/bin/sh
if [ "$*" = "restart docker" ] && [ -f ${bin}/hang-next ]; then
  rm -f ${bin}/hang-next
  echo "$*" >>${bin}/systemctl.log
  exec sleep 30
fi
exec ${bin}/systemctl.real "$@"
`,
        { mode: 0o755 },
      );
    }
    const snapshot =
      "cd /etc/docker/ssl && stat -c '%n %a' ca.pem cert.pem key.pem && sha256sum ca.pem cert.pem key.pem";
    const r = await inSandbox(`mkdir -m 0755 /etc/docker/ssl
cp ${seed}/ca.pem ${seed}/cert.pem ${seed}/key.pem /etc/docker/ssl/
chmod 0600 /etc/docker/ssl/key.pem
install -m 0755 ${seed}/dockpki-renew /usr/local/sbin/dockpki-renew
PATH=${bin}:$PATH systemctl restart docker
: >${bin}/systemctl.log
${options.dockerFails ? `touch ${bin}/fail-next` : ""}
${options.dockerHangs ? `touch ${bin}/hang-next` : ""}
(${snapshot}) >${out}/before
set +e
PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=${out}/tmp ${options.now ? `DOCKPKI_NOW=${options.now}` : ""} \\
  /usr/local/sbin/dockpki-renew ${(options.args ?? []).join(" ")} >${out}/stdout 2>${out}/stderr
echo $? >${out}/rc
${servedSerialInto(port, `${out}/served`)}
ls -A /etc/docker/ssl >${out}/ssl-files
${
  options.runAgain
    ? `PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=${out}/tmp /usr/local/sbin/dockpki-renew --check >${out}/check2 2>&1
echo $? >${out}/check2-rc
PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=${out}/tmp /usr/local/sbin/dockpki-renew >${out}/stdout2 2>${out}/stderr2
echo $? >${out}/rc2
${servedSerialInto(port, `${out}/served2`)}`
    : ""
}
${stopDocker(bin)}
(${snapshot}) >${out}/after
cp /etc/docker/ssl/*.pem /etc/docker/ssl/*.state ${out}/ssl/ 2>/dev/null
ls -A /var/tmp >${out}/var-tmp`);
    assert.equal(r.status, 0, r.stderr);
    const read = (f: string) => (existsSync(join(out, f)) ? readFileSync(join(out, f), "utf8") : "");
    return {
      rc: Number(read("rc")),
      stdout: read("stdout"),
      stderr: read("stderr"),
      served: read("served").trim(),
      before: read("before"),
      after: read("after"),
      systemctl: readFileSync(join(bin, "systemctl.log"), "utf8"),
      leftInTmp: readdirSync(join(out, "tmp")).join(" ") + read("var-tmp").trim(),
      oldSerial: issued.serial,
      sslFiles: read("ssl-files").trim().split("\n"),
      check2: read("check2"),
      check2Rc: Number(read("check2-rc")),
      rc2: Number(read("rc2")),
      stdout2: read("stdout2"),
      stderr2: read("stderr2"),
      served2: read("served2").trim(),
      port,
      out,
    };
  }

  it("renews, restarts docker, which then serves the new certificate, and reports what it serves", async () => {
    const r = await onHost({ args: ["--now"] });
    assert.equal(r.rc, 0, r.stderr);
    const serial = serialOf(join(r.out, "ssl/cert.pem"));
    assert.notEqual(serial, r.oldSerial);
    assert.equal(r.served, serial);
    assert.match(
      r.stdout,
      new RegExp(
        `^dockpki-renew: renewed: serial ${serial}, valid until .* UTC; docker serves it on port ${r.port}$`,
        "m",
      ),
    );
    assert.equal(r.stderr, "");
    assert.equal(r.systemctl, "daemon-reload\nrestart docker\n");
    assert.match(r.after, /^ca\.pem 644\ncert\.pem 644\nkey\.pem 600\n/);
    assert.deepEqual(fake.reports.at(-1), {
      serial,
      outcome: "ok",
      servedSerial: serial,
      message: r.stdout
        .trim()
        .split("\n")
        .at(-1)
        ?.replace(/^dockpki-renew: /, "")
        .replace(/; docker serves .*$/, ""),
    });
    assert.match(readFileSync(join(r.out, "ssl/dockpki-renew.state"), "utf8"), /^outcome=ok$/m);
    assert.equal(r.leftInTmp, "");
  });

  it("puts the previous files back when docker does not start with the new ones, and reports that", async () => {
    const r = await onHost({ args: ["--now"], dockerFails: true });
    assert.equal(r.rc, 1);
    assert.equal(
      r.stderr,
      "dockpki-renew: docker did not start with the new configuration; the previous files are back and docker was restarted with them. See: journalctl -u docker -n 50\n",
    );
    assert.equal(r.after, r.before);
    assert.equal(r.served, r.oldSerial);
    assert.equal(
      r.systemctl,
      "daemon-reload\nrestart docker\ndaemon-reload\nstop docker\nreset-failed docker\nrestart docker\n",
    );
    const report = fake.reports.at(-1);
    assert.equal(report?.serial, r.oldSerial);
    assert.equal(report?.outcome, "failed");
    assert.match(
      report?.message ?? "",
      /^docker did not start with the new configuration; the previous files are back/,
    );
    assert.match(readFileSync(join(r.out, "ssl/dockpki-renew.state"), "utf8"), /^outcome=failed$/m);
    assert.equal(r.leftInTmp, "");
  });

  it("gives up on a restart of docker that hangs, puts the previous files back and reports that", async () => {
    const r = await onHost({ args: ["--now"], dockerHangs: true });
    assert.equal(r.rc, 1);
    assert.equal(
      r.stderr,
      "dockpki-renew: docker did not finish starting with the new configuration within 8 seconds; the previous files are back and docker was restarted with them. See: journalctl -u docker -n 50\n",
    );
    assert.equal(r.after, r.before);
    assert.equal(r.served, r.oldSerial);
    assert.equal(
      r.systemctl,
      "daemon-reload\nrestart docker\ndaemon-reload\nstop docker\nreset-failed docker\nrestart docker\n",
    );
    assert.equal(fake.reports.at(-1)?.outcome, "failed");
    assert.match(
      fake.reports.at(-1)?.message ?? "",
      /^docker did not finish starting with the new configuration within 8 seconds/,
    );
  });

  it("keeps a renewal docker did not start with, and installs it on the next run", async () => {
    const r = await onHost({ args: ["--now"], dockerFails: true, runAgain: true });
    assert.equal(r.rc, 1);
    assert.equal(r.served, r.oldSerial);
    assert.ok(r.sslFiles.includes("dockpki-renew.pending"), r.sslFiles.join(" "));
    const issued = [...fake.certificates.keys()].at(-1);
    assert.ok(issued && issued !== r.oldSerial);
    // The dashboard replaced the old certificate with this one: the next run installs it, due or not.
    assert.equal(r.check2Rc, 1);
    assert.match(r.check2, new RegExp(`^pending: serial ${issued} was issued but not installed yet`, "m"));
    assert.equal(r.rc2, 0, r.stderr2);
    assert.match(r.stdout2, new RegExp(`installed the renewal an earlier run could not: serial ${issued}`));
    assert.equal(r.served2, issued);
    assert.equal(serialOf(join(r.out, "ssl/cert.pem")), issued);
    assert.deepEqual(
      { serial: fake.reports.at(-1)?.serial, outcome: fake.reports.at(-1)?.outcome },
      { serial: issued, outcome: "ok" },
    );
  });

  it("renews only when due; DOCKPKI_NOW decides when that is", async () => {
    const requests = fake.requests.length;
    const notDue = await onHost();
    assert.equal(notDue.rc, 0, notDue.stderr);
    assert.match(notDue.stdout, /^dockpki-renew: not due: /);
    assert.equal(notDue.after, notDue.before);
    assert.equal(notDue.systemctl, "");
    assert.equal(fake.requests.length, requests);
    const due = await onHost({ now: dueTime() });
    assert.equal(due.rc, 0, due.stderr);
    assert.notEqual(due.served, due.oldSerial);
  });

  it("refuses a certificate made for a client, and changes nothing", async () => {
    const r = await onHost({ args: ["--now"], kind: "client" });
    assert.equal(r.rc, 1);
    assert.match(
      r.stderr,
      /^dockpki-renew: the new certificate does not chain to the CA certificates of the dashboard's answer \(sslserver\): (unsuitable|unsupported) certificate purpose\n$/,
    );
    assert.equal(r.after, r.before);
    assert.equal(r.systemctl, "");
  });
});
