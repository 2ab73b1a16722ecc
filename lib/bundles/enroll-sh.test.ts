import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AgentSettings } from "@/lib/bundles/agent-config";
import { renderClientEnrollScript, renderHostEnrollScript } from "@/lib/bundles/enroll-sh";
import { InputError } from "@/lib/errors";
import { type KeySpec, keyLabel, keySpec } from "@/lib/pki/key-types";
import { HOSTILE, hostileHosts, sampleHost, shellSyntaxOk } from "@/lib/test-support/bundle-hosts";
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
import { type FakeDashboard, startFakeDashboard } from "@/lib/test-support/fake-dashboard";

const agentFor = (dashboardUrl: string): AgentSettings => ({
  dashboardUrl,
  dashboardCaPem: null,
  renewAtRemainingPercent: 33,
  renewWindow: null,
});
const newToken = () => randomBytes(32).toString("base64url");
const HOSTS = [sampleHost(), sampleHost({ name: "edge", dnsNames: [], ipAddresses: ["10.0.0.9"] })];
const hasDocker = spawnSync("docker", ["--version"]).status === 0;
const ssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: "pipe" });
const serialOf = (certFile: string) => ssl("x509", "-in", certFile, "-noout", "-serial").trim().slice(7).toLowerCase();
const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);
const RSA_2048 = keySpec("rsa", 2048);
/** Each key type the installers make, and what `openssl pkey -text_pub` says of such a key. */
const KEYS: { key: KeySpec; text: RegExp }[] = [
  { key: keySpec("ecdsa-p256"), text: /^Public-Key: \(256 bit\)\n[\s\S]*\nASN1 OID: prime256v1\n/ },
  { key: keySpec("ecdsa-p384"), text: /^Public-Key: \(384 bit\)\n[\s\S]*\nASN1 OID: secp384r1\n/ },
  { key: RSA_2048, text: /^Public-Key: \(2048 bit\)\nModulus:/ },
];
const keyText = (keyFile: string) => ssl("pkey", "-in", keyFile, "-noout", "-text_pub");

describe("enrollment scripts", () => {
  const agent = agentFor("https://dockpki.example.com");

  it("parse in sh and bash", () => {
    for (const script of [
      renderHostEnrollScript({
        host: sampleHost(),
        sslDir: "/etc/docker/ssl",
        agent,
        token: newToken(),
        key: keySpec("rsa", 4096),
      }),
      renderHostEnrollScript({
        host: sampleHost({ configStyle: "daemon-json" }),
        sslDir: "/srv/docker-tls",
        agent: { ...agent, renewWindow: "Sat,Sun 01:00-05:00" },
        token: newToken(),
        key: keySpec("ecdsa-p384"),
      }),
      renderClientEnrollScript({
        client: { name: "alice@example.com" },
        hosts: HOSTS,
        agent,
        token: newToken(),
        key: keySpec("rsa", 3072),
      }),
      renderClientEnrollScript({
        client: { name: "ci" },
        hosts: [],
        agent,
        token: newToken(),
        key: keySpec("ecdsa-p256"),
      }),
    ]) {
      assert.ok(script.startsWith("#!/bin/sh\n"));
      assert.match(script, /^main "\$@" <\/dev\/null\n$/m);
      shellSyntaxOk("sh", script);
      shellSyntaxOk("bash", script);
    }
  });

  it("refuse hostile input, a malformed token and a key dockpki does not make", () => {
    const host = { host: sampleHost(), sslDir: "/etc/docker/ssl", agent, token: newToken(), key: RSA_2048 };
    const client = { client: { name: "ci" }, hosts: HOSTS, agent, token: newToken(), key: RSA_2048 };
    for (const bad of hostileHosts()) {
      assert.throws(() => renderHostEnrollScript({ ...host, host: bad }), InputError);
      assert.throws(() => renderClientEnrollScript({ ...client, hosts: [bad] }), InputError);
    }
    for (const bad of HOSTILE) {
      assert.throws(() => renderHostEnrollScript({ ...host, sslDir: `/x/${bad}` }), InputError);
      assert.throws(() => renderClientEnrollScript({ ...client, client: { name: bad } }), InputError);
      assert.throws(() => renderHostEnrollScript({ ...host, token: bad }), InputError);
      assert.throws(
        () => renderClientEnrollScript({ ...client, agent: agentFor(`https://x.example.com/${bad}`) }),
        InputError,
      );
    }
    for (const token of [
      "",
      newToken().slice(1),
      `${newToken()}A`,
      `${newToken().slice(1)}/`,
      `${newToken().slice(1)}'`,
    ]) {
      assert.throws(() => renderClientEnrollScript({ ...client, token }), InputError, token);
    }
    for (const keySize of [1024, 2047, 8192, Number.NaN]) {
      assert.throws(() => renderHostEnrollScript({ ...host, key: { keyType: "rsa", keySize } }), InputError);
    }
    const odd = [
      { keyType: "ecdsa-p256", keySize: 384 },
      { keyType: "ecdsa-p384", keySize: 2048 },
    ];
    for (const keyType of ["ed25519", "RSA", "", ...HOSTILE]) odd.push({ keyType, keySize: 2048 });
    for (const key of odd) {
      assert.throws(() => renderClientEnrollScript({ ...client, key: key as KeySpec }), InputError, key.keyType);
    }
  });

  it("the host installer refuses to run as non-root, before anything else", () => {
    const dir = tempDir("dockpki-enroll-");
    const script = renderHostEnrollScript({
      host: sampleHost(),
      sslDir: "/etc/docker/ssl",
      agent,
      token: newToken(),
      key: RSA_2048,
    });
    writeFileSync(join(dir, "enroll.sh"), script);
    writeFileSync(join(dir, "id"), "#!/bin/sh\necho 1000\n", { mode: 0o755 });
    writeFileSync(join(dir, "mktemp"), `#!/bin/sh\ntouch ${dir}/touched\n`, { mode: 0o755 });
    const env = { PATH: `${dir}:/usr/bin:/bin`, NODE_ENV: "test" } as const;
    const r = spawnSync("sh", ["-c", `sh <${dir}/enroll.sh`], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^dockpki-enroll: run this as root: curl -fsSL 'https:\/\/dockpki\.example\.com\/enroll\/[\w-]{43}' \| sudo sh\. Nothing was changed\.\n$/,
    );
    assert.ok(!existsSync(join(dir, "touched")));
  });
});

describe("client enrollment against a fake dashboard", () => {
  let fake: FakeDashboard;
  before(async () => {
    fake = await startFakeDashboard();
  });
  after(() => fake.close());

  function setUp(key = RSA_2048) {
    const home = tempDir("dockpki-home-");
    const tmp = join(home, "tmp");
    mkdirSync(tmp);
    const token = newToken();
    const script = join(home, "enroll.sh");
    const client = { name: "alice@example.com" };
    writeFileSync(script, renderClientEnrollScript({ client, hosts: HOSTS, agent: agentFor(fake.url), token, key }));
    const env = { PATH: process.env.PATH, HOME: home, TMPDIR: tmp };
    // as `curl ... | sh` runs it: the script on sh's stdin
    const run = (more: Env = {}) => runAsync("sh", ["-c", `sh <${script}`], { ...env, ...more });
    return { home, tmp, token, env, run, dir: join(home, ".docker", "dockpki", client.name) };
  }

  it("makes the key here, writes the bundle and a context per host; its agent then renews them", async () => {
    const s = setUp();
    fake.addToken(s.token, "client");
    const docker = (...args: string[]) =>
      execFileSync("docker", args, { env: { ...s.env, NODE_ENV: "test" }, encoding: "utf8", stdio: "pipe" });
    if (hasDocker) docker("context", "create", "edge", "--docker", "host=tcp://10.9.9.9:2376");
    const r = await s.run();
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^dockpki-enroll: client alice@example\.com is enrolled: its certificate and key are in \S+\/\.docker\/dockpki\/alice@example\.com$/m,
    );
    const modes = Object.fromEntries(readdirSync(s.dir).map((f) => [f, modeOf(join(s.dir, f))]));
    assert.deepEqual(modes, {
      "ca.pem": "644",
      "cert.pem": "644",
      "key.pem": "600",
      "env-docker1.sh": "644",
      "env-edge.sh": "644",
      "dockpki-renew": "755",
      "README.txt": "644",
    });
    assert.match(
      ssl("verify", "-no-CApath", "-CAfile", join(s.dir, "ca.pem"), "-purpose", "sslclient", join(s.dir, "cert.pem")),
      /: OK/,
    );
    assert.equal(
      ssl("x509", "-in", join(s.dir, "cert.pem"), "-noout", "-pubkey"),
      ssl("pkey", "-in", join(s.dir, "key.pem"), "-pubout"),
    );
    assert.ok(fake.certificates.has(serialOf(join(s.dir, "cert.pem"))));
    assert.deepEqual(readdirSync(s.tmp), []);
    if (!hasDocker) return;
    assert.match(r.stdout, /^docker context docker1 created: docker --context docker1 ps$/m);
    assert.match(r.stdout, /^docker context edge exists already and was left as it is$/m);
    const host = (name: string) => docker("context", "inspect", "--format", "{{.Endpoints.docker.Host}}", name).trim();
    assert.equal(host("docker1"), "tcp://docker1.example.com:2376");
    assert.equal(host("edge"), "tcp://10.9.9.9:2376");
    const renewed = await runAsync(join(s.dir, "dockpki-renew"), ["--now"], s.env);
    assert.equal(renewed.status, 0, renewed.stderr);
    assert.match(renewed.stdout, /; docker contexts updated: docker1\n$/);
  });

  for (const { key, text } of KEYS) {
    it(`makes the ${keyLabel(key)} key it was written for, and gets a certificate for it`, async () => {
      const s = setUp(key);
      fake.addToken(s.token, "client");
      const r = await s.run();
      assert.equal(r.status, 0, r.stderr);
      assert.match(keyText(join(s.dir, "key.pem")), text);
      assert.equal(
        ssl("x509", "-in", join(s.dir, "cert.pem"), "-noout", "-pubkey"),
        ssl("pkey", "-in", join(s.dir, "key.pem"), "-pubout"),
      );
      assert.ok(fake.certificates.has(serialOf(join(s.dir, "cert.pem"))));
    });
  }

  it("a used or expired token: one line with the dashboard's message, and nothing changed", async () => {
    const s = setUp();
    const r = await s.run();
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      "dockpki-enroll: the dashboard refused the enrollment: This enrollment link was used already or has expired.\n",
    );
    assert.equal(r.stdout, "");
    assert.ok(!existsSync(join(s.home, ".docker")));
    assert.deepEqual(readdirSync(s.tmp), []);
  });

  it("refuses a folder that holds a certificate already, before asking the dashboard", async () => {
    const s = setUp();
    fake.addToken(s.token, "client");
    const dir = join(s.home, "elsewhere");
    mkdirSync(dir);
    writeFileSync(join(dir, "cert.pem"), "mine\n");
    const requests = fake.requests.length;
    const r = await s.run({ DOCKPKI_DIR: dir });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^dockpki-enroll: \S+\/elsewhere already holds a cert\.pem or key\.pem: .* Nothing was changed\.\n$/,
    );
    assert.equal(fake.requests.length, requests);
    assert.deepEqual(readdirSync(dir), ["cert.pem"]);
  });
});

describe("host enrollment in a sandbox", { skip: !canSandbox && "needs root and unshare -m" }, () => {
  let fake: FakeDashboard;
  before(async () => {
    fake = await startFakeDashboard();
  });
  after(() => fake.close());

  async function enroll(token: string, key = RSA_2048) {
    const port = await freePort();
    const out = tempDir("dockpki-result-");
    const script = join(out, "enroll.sh");
    const host = sampleHost({ port });
    writeFileSync(
      script,
      renderHostEnrollScript({ host, sslDir: "/etc/docker/ssl", agent: agentFor(fake.url), token, key }),
    );
    const bin = dockerBin(port);
    const r = await inSandbox(`set +e
PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin sh <${script} >${out}/stdout 2>${out}/stderr
echo $? >${out}/rc
${servedSerialInto(port, `${out}/served`)}
${stopDocker(bin)}
cp -a /etc/docker ${out}/docker
ls -A /etc/docker /usr/local/sbin /etc/systemd/system >${out}/listing
stat -c '%n %a' /usr/local/sbin/* /etc/systemd/system/dockpki-renew.* >${out}/modes 2>/dev/null
ls -A /var/tmp >${out}/var-tmp`);
    assert.equal(r.status, 0, r.stderr);
    const read = (f: string) => (existsSync(join(out, f)) ? readFileSync(join(out, f), "utf8") : "");
    return {
      rc: Number(read("rc")),
      stdout: read("stdout"),
      stderr: read("stderr"),
      served: read("served").trim(),
      modes: read("modes"),
      listing: read("listing"),
      varTmp: read("var-tmp"),
      systemctl: existsSync(join(bin, "systemctl.log")) ? readFileSync(join(bin, "systemctl.log"), "utf8") : "",
      out,
    };
  }

  for (const { key, text } of KEYS) {
    it(`installs a certificate for an ${keyLabel(key)} key made on the host, the agent and its timer; docker serves it`, async () => {
      const token = newToken();
      fake.addToken(token, "server");
      const r = await enroll(token, key);
      assert.equal(r.rc, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /^dockpki-enroll: host docker1 is enrolled; dockpki-renew renews its certificate/m);
      const certFile = join(r.out, "docker/ssl/cert.pem");
      assert.equal(r.served, serialOf(certFile));
      assert.ok(fake.certificates.has(r.served));
      const keyFile = join(r.out, "docker/ssl/key.pem");
      assert.equal(ssl("x509", "-in", certFile, "-noout", "-pubkey"), ssl("pkey", "-in", keyFile, "-pubout"));
      assert.match(keyText(keyFile), text);
      assert.equal(modeOf(keyFile), "600");
      assert.equal(
        r.modes,
        "/usr/local/sbin/dockpki-renew 755\n/etc/systemd/system/dockpki-renew.service 644\n/etc/systemd/system/dockpki-renew.timer 644\n",
      );
      assert.equal(r.systemctl, "daemon-reload\nrestart docker\nenable --now dockpki-renew.timer\n");
      assert.equal(r.varTmp, "", "the private folder is gone");
    });
  }

  it("a used token: one line with the dashboard's message, and nothing changed", async () => {
    const r = await enroll(newToken());
    assert.equal(r.rc, 1);
    assert.equal(
      r.stderr,
      "dockpki-enroll: the dashboard refused the enrollment: This enrollment link was used already or has expired.\n",
    );
    assert.equal(r.listing, "/etc/docker:\n\n/etc/systemd/system:\n\n/usr/local/sbin:\n");
    assert.equal(r.systemctl, "");
    assert.equal(r.varTmp, "");
  });
});
