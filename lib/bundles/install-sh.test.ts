import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AgentSettings } from "@/lib/bundles/agent-config";
import type { BundleHost } from "@/lib/bundles/bundle-input";
import { renderInstallSh } from "@/lib/bundles/install-sh";
import { buildServerBundle } from "@/lib/bundles/zip";
import { InputError } from "@/lib/errors";
import { HOSTILE, hostileHosts, sampleHost, shellSyntaxOk } from "@/lib/test-support/bundle-hosts";
import { makeTestPki, type TestPki } from "@/lib/test-support/bundle-pki";
import { freePort } from "@/lib/test-support/docker-sandbox";
import { extract } from "@/lib/test-support/zip";

// stdin from /dev/null: Debian's bash reads ~/.bashrc when stdin is a socket, as node's pipes are.
const STDIO: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];
const canSandbox = process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0;

/** A bin folder whose systemctl only logs, plus the given stubs. */
function stubBin(stubs: Record<string, string>): string {
  const bin = mkdtempSync(join(tmpdir(), "dockpki-bin-"));
  const all = { systemctl: `#!/bin/sh\necho "$*" >>${bin}/systemctl.log\n`, ...stubs };
  for (const [tool, body] of Object.entries(all)) {
    writeFileSync(join(bin, tool), body);
    chmodSync(join(bin, tool), 0o755);
  }
  return bin;
}

describe("renderInstallSh", () => {
  for (const configStyle of ["systemd", "daemon-json"] as const) {
    it(`parses in sh and bash (${configStyle})`, () => {
      const script = renderInstallSh(sampleHost({ configStyle }), "/etc/docker/ssl");
      assert.ok(script.startsWith("#!/bin/sh\n"));
      assert.match(script, /^set -eu$/m);
      shellSyntaxOk("sh", script);
      shellSyntaxOk("bash", script);
    });
  }

  it("refuses to run as non-root before touching anything", () => {
    const dir = mkdtempSync(join(tmpdir(), "dockpki-install-"));
    writeFileSync(join(dir, "install.sh"), renderInstallSh(sampleHost(), "/etc/docker/ssl"));
    const marker = join(dir, "touched");
    const touch = `#!/bin/sh\ntouch ${marker}\n`;
    const bin = stubBin({
      id: "#!/bin/sh\necho 1000\n",
      mkdir: touch,
      cp: touch,
      mv: touch,
      chmod: touch,
      mktemp: touch,
    });
    const env = { PATH: `${bin}:/usr/bin:/bin`, NODE_ENV: "test" } as const;
    const r = spawnSync("sh", [join(dir, "install.sh")], { cwd: "/", encoding: "utf8", env, stdio: STDIO });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /run this as root/);
    assert.ok(!existsSync(marker) && !existsSync(join(bin, "systemctl.log")));
  });

  it("asks for the renewal agent's files only when the bundle has them", () => {
    const plain = renderInstallSh(sampleHost(), "/etc/docker/ssl");
    assert.doesNotMatch(plain, /dockpki-renew/);
    const withAgent = renderInstallSh(sampleHost(), "/etc/docker/ssl", { agent: true });
    assert.match(
      withAgent,
      /^check_bundle ca\.pem cert\.pem custom\.conf dockpki-renew dockpki-renew\.service dockpki-renew\.timer$/m,
    );
    shellSyntaxOk("sh", withAgent);
    shellSyntaxOk("bash", withAgent);
  });

  it("refuses hostile input", () => {
    for (const bad of hostileHosts()) assert.throws(() => renderInstallSh(bad, "/etc/docker/ssl"), InputError);
    for (const bad of HOSTILE) assert.throws(() => renderInstallSh(sampleHost(), `/x/${bad}`), InputError);
  });
});

/** What docker does on `systemctl restart docker`: "serves" starts a TLS server with the installed
 * certificate on 127.0.0.1 (asking for a client certificate, as a mutual-TLS dockerd does);
 * "fails" fails the first restart (a later one succeeds); "silent" succeeds but nothing listens. */
type Docker = "serves" | "fails" | "silent";

function systemctlStub(bin: string, docker: Docker, port: number, sslDir: string, timerFails = false): string {
  const serve = `openssl s_server -accept 127.0.0.1:${port} -cert ${sslDir}/cert.pem -key ${sslDir}/key.pem \\
    -CAfile ${sslDir}/ca.pem -Verify 1 -quiet </dev/null >/dev/null 2>&1 &
  echo $! >${bin}/s_server.pid
  sleep 0.3`;
  const restart = {
    serves: serve,
    fails: `[ -f ${bin}/failed-once ] || { touch ${bin}/failed-once; exit 1; }`,
    silent: ":",
  }[docker];
  return `#!/bin/sh
echo "$*" >>${bin}/systemctl.log
if [ "$*" = "restart docker" ]; then
  ${restart}
fi
${timerFails ? '[ "$1" != enable ] || exit 1\n' : ""}`;
}

interface Setup {
  host?: Partial<BundleHost>;
  /** The bundle's key.pem: the certificate's (default), another one, or none (issued from a CSR). */
  key?: "own" | "other" | "none";
  docker?: Docker;
  /** Files to put under /etc before install.sh runs, relative to /etc. */
  files?: Record<string, string>;
  /** Shell lines run in /etc after the files are there (modes, links). */
  shell?: string;
  /** Programs install.sh finds first in its PATH, given the folder they are in (a systemctl here
   * replaces the one `docker` picks). */
  stubs?: Record<string, (bin: string) => string>;
  /** Seconds install.sh waits for the certificate to be served, instead of its own. */
  tlsWait?: number;
  /** Seconds install.sh lets one systemctl restart (or stop) of docker take, instead of its own. */
  restartWait?: number;
  /** install.sh's PATH, when it should see fewer tools than this machine has. */
  path?: (bin: string) => string;
  /** The bundle carries the renewal agent. */
  agent?: AgentSettings;
  /** systemctl enable fails. */
  timerFails?: boolean;
}

/** /etc/docker and /etc/systemd/system, as `path type mode` lines and file hashes. */
const SNAPSHOT = `cd /etc && find docker systemd/system -exec stat -c '%N %F %a' {} + | sort &&
  find docker systemd/system -type f -exec sha256sum {} + | sort`;

/** Tools that install.sh needs, linked one by one into a folder that becomes its whole PATH, with
 * the stubs in bin (systemctl and any other). */
function toolsOnly(bin: string, tools: string[]): string {
  const dir = join(bin, "path");
  mkdirSync(dir);
  const stubs = readdirSync(bin).filter((f) => f !== "path" && !f.includes("."));
  for (const tool of tools.filter((t) => !stubs.includes(t))) {
    const found = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    symlinkSync(found, join(dir, tool));
  }
  for (const stub of stubs) symlinkSync(join(bin, stub), join(dir, stub));
  return dir;
}
/** Everything install.sh runs, besides the shell's own builtins and systemctl. */
const INSTALL_TOOLS = [
  ...["awk", "basename", "chmod", "cp", "dirname", "find", "grep", "id", "mkdir", "mktemp", "mv", "rm", "rmdir"],
  ...["sed", "sleep", "sort", "tail", "timeout", "tr", "openssl", "dockerd"],
];

// A real run, as root, in a private mount namespace whose /etc/docker, /etc/systemd/system and
// /var/tmp are empty tmpfs mounts: nothing on this machine is touched, systemctl is a stub, and the
// only network use is a TLS server and client on 127.0.0.1.
describe("install.sh in a sandbox", { skip: !canSandbox && "needs root and unshare -m" }, () => {
  let pki: TestPki;
  const temps: string[] = [];
  const temp = (prefix: string) => {
    temps.push(mkdtempSync(join(tmpdir(), prefix)));
    return temps[temps.length - 1];
  };
  before(() => {
    pki = makeTestPki();
  });
  after(() => {
    // the sandbox stops its TLS server itself; this is for a run that was cut short
    for (const pidFile of temps.map((d) => join(d, "s_server.pid")).filter((f) => existsSync(f))) {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8")));
      } catch {
        // already gone
      }
    }
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  async function install(setup: Setup = {}) {
    const port = await freePort();
    const host = sampleHost({ port, ...setup.host });
    const zip = buildServerBundle({
      host,
      caCertPems: [pki.caPem],
      certPem: pki.serverCertPem,
      keyPem: { own: pki.serverKeyPem, other: pki.clientKeyPem, none: null }[setup.key ?? "own"],
      sslDir: "/etc/docker/ssl",
      agent: setup.agent,
    });
    const bundle = join(await extract(zip, temp("dockpki-install-")), host.name);
    if (setup.tlsWait !== undefined) {
      const script = readFileSync(join(bundle, "install.sh"), "utf8");
      writeFileSync(join(bundle, "install.sh"), script.replace(/^TLS_WAIT=\d+$/m, `TLS_WAIT=${setup.tlsWait}`));
    }
    const out = temp("dockpki-result-");
    const seed = temp("dockpki-seed-");
    for (const dir of ["docker", "systemd/system"]) mkdirSync(join(seed, dir), { recursive: true });
    for (const [file, content] of Object.entries(setup.files ?? {})) {
      mkdirSync(dirname(join(seed, file)), { recursive: true });
      writeFileSync(join(seed, file), content);
    }
    const bin = stubBin({});
    temps.push(bin);
    writeFileSync(
      join(bin, "systemctl"),
      systemctlStub(bin, setup.docker ?? "serves", port, "/etc/docker/ssl", setup.timerFails),
    );
    for (const [tool, body] of Object.entries(setup.stubs ?? {})) {
      writeFileSync(join(bin, tool), body(bin), { mode: 0o755 });
    }
    const path = setup.path ? setup.path(bin) : `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`;
    const script = `set -e
mount -t tmpfs -o mode=0755 tmpfs /etc/docker
mount -t tmpfs -o mode=0755 tmpfs /etc/systemd/system
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin
cp -a ${seed}/docker/. /etc/docker/
cp -a ${seed}/systemd/system/. /etc/systemd/system/
cd /etc
${setup.shell ?? ""}
(${SNAPSHOT}) >${out}/before
set +e
${setup.restartWait !== undefined ? `DOCKPKI_RESTART_WAIT=${setup.restartWait} ` : ""}PATH=${path} /bin/sh ${bundle}/install.sh >${out}/log 2>&1
echo $? >${out}/rc
[ ! -f ${bin}/s_server.pid ] || kill "$(cat ${bin}/s_server.pid)" 2>/dev/null
(${SNAPSHOT}) >${out}/after
ls -A /var/tmp >${out}/var-tmp
(cd /usr/local/sbin && stat -c '%n %a' -- *) >${out}/sbin 2>/dev/null
cp -r /etc/docker /etc/systemd/system ${out}/`;
    const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", NODE_ENV: "test" } as const;
    const r = spawnSync("unshare", ["-m", "sh", "-c", script], { cwd: "/", encoding: "utf8", env, stdio: STDIO });
    assert.equal(r.status, 0, r.stderr);
    const read = (f: string) => (existsSync(join(out, f)) ? readFileSync(join(out, f), "utf8") : "");
    const modes = read("after")
      .split("\n")
      .filter((l) => / regular file \d+$/.test(l))
      .map((l) => l.replace(/^'(.*)' regular file (\d+)$/, "$1 $2"));
    return {
      rc: Number(read("rc")),
      log: read("log"),
      port,
      before: read("before"),
      after: read("after"),
      modes,
      dirModes: (dir: string) => read("after").match(new RegExp(`^'${dir}' directory (\\d+)$`, "m"))?.[1],
      systemctl: existsSync(join(bin, "systemctl.log")) ? readFileSync(join(bin, "systemctl.log"), "utf8") : "",
      leftInVarTmp: read("var-tmp"),
      sbin: read("sbin"),
      bin,
      read,
    };
  }

  const DAEMON_JSON_SETTINGS = {
    "log-level": "warn",
    "registry-mirrors": ["https://mirror.example.com"],
    "default-address-pools": [{ base: "10.10.0.0/16", size: 24 }],
    "data-root": "/srv/docker",
    "storage-driver": "overlay2",
  };
  const OLD_FILES = {
    "docker/ssl/ca.pem": "old ca\n",
    "docker/ssl/cert.pem": "old cert\n",
    "docker/ssl/key.pem": "old key\n",
    "docker/daemon.json": `${JSON.stringify(DAEMON_JSON_SETTINGS, null, 4)}\n`,
    "systemd/system/docker.service.d/custom.conf": "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd://\n",
  };
  const OLD_MODES = "chmod 0750 docker/ssl && chmod 0600 docker/ssl/key.pem";

  it("daemon-json style: installs from any cwd and keeps it once dockerd serves the new certificate", async () => {
    const r = await install({ host: { configStyle: "daemon-json" } });
    assert.equal(r.rc, 0, r.log);
    assert.deepEqual(r.modes, [
      "docker/daemon.json 644",
      "docker/ssl/ca.pem 644",
      "docker/ssl/cert.pem 644",
      "docker/ssl/key.pem 600",
      "systemd/system/docker.service.d/custom.conf 644",
    ]);
    assert.equal(JSON.parse(r.read("docker/daemon.json")).tlsverify, true);
    // this machine has Debian's /usr/sbin/dockerd, so the drop-in was pointed there
    const dockerd = existsSync("/usr/bin/dockerd") ? "/usr/bin/dockerd" : "/usr/sbin/dockerd";
    assert.match(r.read("system/docker.service.d/custom.conf"), new RegExp(`^ExecStart=${dockerd}$`, "m"));
    assert.equal(r.systemctl, "daemon-reload\nrestart docker\n");
    assert.match(r.log, new RegExp(`serves this certificate with TLS on port ${r.port}`));
    assert.match(r.log, /docker --tlsverify --tlscacert=ca\.pem .* version/);
    assert.equal(r.leftInVarTmp, "", "the kept copies are gone after a success");
  });

  it("daemon-json style: keeps every other setting of an existing daemon.json", async () => {
    const r = await install({
      host: { configStyle: "daemon-json", tlsMode: "tls-only", keepUnixSocket: false },
      files: { "docker/daemon.json": JSON.stringify({ ...DAEMON_JSON_SETTINGS, tlscacert: "/old/ca.pem", hosts: [] }) },
    });
    assert.equal(r.rc, 0, r.log);
    assert.deepEqual(JSON.parse(r.read("docker/daemon.json")), {
      ...DAEMON_JSON_SETTINGS,
      hosts: [`tcp://0.0.0.0:${r.port}`],
      tls: true,
      tlsverify: false,
      tlscert: "/etc/docker/ssl/cert.pem",
      tlskey: "/etc/docker/ssl/key.pem",
    });
    assert.match(r.log, /keeps every other setting/);
  });

  it("daemon-json style: refuses a daemon.json that is not JSON, before changing anything", async () => {
    const r = await install({
      host: { configStyle: "daemon-json" },
      files: { "docker/daemon.json": '{"log-level": "warn",}\n' },
    });
    assert.equal(r.rc, 1, r.log);
    assert.match(r.log, /\/etc\/docker\/daemon\.json is not valid JSON .* Nothing was changed\.\n$/);
    assert.equal(r.after, r.before);
    assert.equal(r.systemctl, "");
  });

  const hasUsrBinDockerd = existsSync("/usr/bin/dockerd") && "install.sh would find /usr/bin/dockerd, not the stub";
  it("daemon-json style: has dockerd --validate check the merged file when dockerd has it (Docker 23+)", {
    skip: hasUsrBinDockerd,
  }, async () => {
    const dockerd = () => `#!/bin/sh
case "$1" in
  --help) echo "      --validate                 Validate daemon configuration and exit" ;;
  --validate) echo "unable to configure the Docker daemon with file $3: bad pool" >&2; exit 1 ;;
esac
`;
    const r = await install({
      host: { configStyle: "daemon-json" },
      files: { "docker/daemon.json": '{"default-address-pools": 1}' },
      stubs: { dockerd },
    });
    assert.equal(r.rc, 1, r.log);
    assert.match(r.log, /dockerd --validate refuses the merged daemon\.json: unable to configure .* bad pool/);
    assert.equal(r.after, r.before);
  });

  for (const configStyle of ["systemd", "daemon-json"] as const) {
    it(`${configStyle} style: refuses a later drop-in that sets ExecStart=, naming it, before changing anything`, async () => {
      const r = await install({
        host: { configStyle },
        files: {
          "systemd/system/docker.service.d/10-limits.conf": "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd\n",
          "systemd/system/docker.service.d/override.conf": "[Service]\n ExecStart = /usr/bin/dockerd -H fd://\n",
        },
      });
      assert.equal(r.rc, 1, r.log);
      assert.match(
        r.log,
        /\/etc\/systemd\/system\/docker\.service\.d\/override\.conf sets ExecStart= and systemd applies it after custom\.conf/,
      );
      assert.doesNotMatch(r.log, /10-limits/);
      assert.equal(r.after, r.before);
      assert.equal(r.systemctl, "");
    });
  }

  it("systemd style: an earlier drop-in with ExecStart= is fine, custom.conf comes later", async () => {
    const r = await install({
      files: { "systemd/system/docker.service.d/10-old.conf": "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd\n" },
    });
    assert.equal(r.rc, 0, r.log);
  });

  it("systemd style: reads daemon.json as JSON, so a key split over two lines still clashes", async () => {
    for (const json of ['{\n  "tlsverify"\n  : true\n}', '{"hosts": ["unix:///var/run/docker.sock"]}']) {
      const r = await install({ files: { "docker/daemon.json": json } });
      assert.equal(r.rc, 1, r.log);
      assert.match(r.log, /\/etc\/docker\/daemon\.json sets (hosts|tlsverify), which custom\.conf sets as flags/);
      assert.equal(r.after, r.before);
      assert.equal(r.systemctl, "");
    }
    const fine = await install({ files: { "docker/daemon.json": '{"log-level": "warn", "note": "\\"hosts\\": 1"}' } });
    assert.equal(fine.rc, 0, fine.log);
    assert.equal(fine.read("docker/daemon.json"), '{"log-level": "warn", "note": "\\"hosts\\": 1"}');
  });

  for (const configStyle of ["systemd", "daemon-json"] as const) {
    it(`${configStyle} style: puts every previous file back, byte for byte, when docker does not restart`, async () => {
      const r = await install({ host: { configStyle }, docker: "fails", files: OLD_FILES, shell: OLD_MODES });
      assert.equal(r.rc, 1, r.log);
      assert.match(
        r.log,
        /install\.sh: docker did not start with the new configuration; the previous files are back and docker was restarted with them\. See: journalctl -u docker/,
      );
      assert.equal(r.after, r.before);
      assert.equal(
        r.systemctl,
        "daemon-reload\nrestart docker\ndaemon-reload\nstop docker\nreset-failed docker\nrestart docker\n",
      );
      assert.equal(r.leftInVarTmp, "");
    });
  }

  it("rolls back when docker restarts but does not serve the new certificate", async () => {
    const r = await install({
      host: { configStyle: "daemon-json" },
      docker: "silent",
      files: OLD_FILES,
      shell: OLD_MODES,
      stubs: { sleep: () => "#!/bin/sh\n" },
      tlsWait: 2,
    });
    assert.equal(r.rc, 1, r.log);
    assert.match(
      r.log,
      new RegExp(`does not serve the new certificate with TLS on port ${r.port} \\(checked on 127\\.0\\.0\\.1`),
    );
    assert.match(r.log, /the previous files are back and docker was restarted with them/);
    assert.equal(r.after, r.before);
    assert.equal(
      r.systemctl,
      "daemon-reload\nrestart docker\ndaemon-reload\nstop docker\nreset-failed docker\nrestart docker\n",
    );
  });

  // systemd as Docker's unit has it: no start timeout (TimeoutStartSec=0), and at most 3 starts in
  // 60 s (StartLimitBurst=3). The first "restart docker" either hangs, as a dockerd waiting for
  // containerd does, or fails, after which (Restart=always retrying it) systemd refuses further
  // starts until reset-failed. "docker-running" is there once a restart went through.
  const hangingSystemd = (first: "hangs" | "fails") => (bin: string) =>
    `#!/bin/sh
echo "$*" >>${bin}/systemctl.log
case "$*" in
  "restart docker")
    if [ ! -f ${bin}/started-once ]; then
      touch ${bin}/started-once
      ${first === "hangs" ? "exec sleep 30" : `touch ${bin}/start-limit-hit\n      exit 1`}
    fi
    [ ! -f ${bin}/start-limit-hit ] || { echo "Start request repeated too quickly." >&2; exit 1; }
    touch ${bin}/docker-running ;;
  "stop docker") rm -f ${bin}/docker-running ;;
  "reset-failed docker") rm -f ${bin}/start-limit-hit ;;
esac
`;

  it("gives up on a docker that hangs while it starts, stops it, and restarts docker with the previous files", async () => {
    const started = Date.now();
    const r = await install({
      files: OLD_FILES,
      shell: OLD_MODES,
      stubs: { systemctl: hangingSystemd("hangs") },
      restartWait: 2,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.rc, 1, r.log);
    assert.ok(seconds < 20, `install.sh waited ${seconds} s for a restart bounded to 2 s`);
    assert.match(
      r.log,
      /\ninstall\.sh: docker did not finish starting with the new configuration within 2 seconds; the previous files are back and docker was restarted with them\. See: journalctl -u docker -n 50\n$/,
    );
    assert.equal(
      r.systemctl,
      "daemon-reload\nrestart docker\ndaemon-reload\nstop docker\nreset-failed docker\nrestart docker\n",
    );
    assert.ok(existsSync(join(r.bin, "docker-running")), "docker runs again");
    assert.equal(r.after, r.before);
    assert.equal(r.leftInVarTmp, "");
  });

  it("restarts docker with the previous files even when systemd's start limit was reached", async () => {
    const r = await install({
      host: { configStyle: "daemon-json" },
      files: OLD_FILES,
      shell: OLD_MODES,
      stubs: { systemctl: hangingSystemd("fails") },
    });
    assert.equal(r.rc, 1, r.log);
    assert.match(
      r.log,
      /^install\.sh: docker did not start with the new configuration; the previous files are back and docker was restarted with them\./m,
    );
    assert.ok(existsSync(join(r.bin, "docker-running")), "docker runs again");
    assert.equal(r.after, r.before);
  });

  it("says where the kept copies are when it cannot put them back", async () => {
    // mv works until docker has been restarted, then fails: the roll-back cannot put files back
    const mv = (bin: string) =>
      `#!/bin/sh\n! grep -q restart ${bin}/systemctl.log 2>/dev/null || exit 1\nexec /bin/mv "$@"\n`;
    const r = await install({ docker: "fails", files: OLD_FILES, shell: OLD_MODES, stubs: { mv } });
    assert.equal(r.rc, 1, r.log);
    assert.match(r.log, /install\.sh: could not put back \/etc\/docker\/ssl\/ca\.pem\n/);
    const kept = r.log.match(
      /some previous files could not be put back \(the copies are in \/var\/tmp\/(dockpki\.\w+)\)/,
    );
    assert.ok(kept, r.log);
    assert.equal(r.leftInVarTmp.trim(), kept[1]);
  });

  it("removes what it created when it rolls back on a fresh host", async () => {
    const r = await install({ docker: "fails" });
    assert.equal(r.rc, 1, r.log);
    assert.equal(r.after, r.before);
  });

  it("rolls back when it is stopped half-way (a lost ssh session)", async () => {
    const systemctl = (bin: string) => `#!/bin/sh
echo "$*" >>${bin}/systemctl.log
[ "$*" != daemon-reload ] || [ -f ${bin}/hung-up ] || { touch ${bin}/hung-up; kill -HUP $PPID; }
`;
    const r = await install({ files: OLD_FILES, shell: OLD_MODES, stubs: { systemctl } });
    assert.equal(r.rc, 1, r.log);
    assert.match(r.log, /stopped before it was done; the previous files are back and docker was restarted with them/);
    assert.equal(r.after, r.before);
  });

  it("creates directories with mode 0755 whatever the umask, and leaves existing ones as they are", async () => {
    const fresh = await install();
    assert.equal(fresh.rc, 0, fresh.log);
    assert.equal(fresh.dirModes("docker/ssl"), "755");
    assert.equal(fresh.dirModes("systemd/system/docker.service.d"), "755");
    const kept = await install({
      files: OLD_FILES,
      shell: `${OLD_MODES} && chmod 0700 systemd/system/docker.service.d`,
    });
    assert.equal(kept.rc, 0, kept.log);
    assert.equal(kept.dirModes("docker/ssl"), "750");
    assert.equal(kept.dirModes("systemd/system/docker.service.d"), "700");
  });

  it("takes the installed key for a bundle issued from a CSR, and refuses a key that is not the certificate's", async () => {
    const csr = await install({ key: "none", files: { "docker/ssl/key.pem": pki.serverKeyPem }, shell: OLD_MODES });
    assert.equal(csr.rc, 0, csr.log);
    const keyLines = (snapshot: string) => snapshot.split("\n").filter((l) => l.includes("docker/ssl/key.pem"));
    assert.deepEqual(keyLines(csr.after), keyLines(csr.before));
    const missing = await install({ key: "none" });
    assert.equal(missing.rc, 1, missing.log);
    assert.match(missing.log, /this bundle has no key\.pem .* put the matching key at \/etc\/docker\/ssl\/key\.pem/);
    const other = await install({ key: "other", files: OLD_FILES, shell: OLD_MODES });
    assert.equal(other.rc, 1, other.log);
    assert.match(
      other.log,
      /install\.sh: key\.pem is not the key of this bundle's cert\.pem\. Nothing was changed\.\n$/,
    );
    assert.equal(other.after, other.before);
    assert.equal(other.systemctl, "");
  });

  it("refuses a certificate directory that is a symbolic link or that others can write to", async () => {
    const link = await install({ shell: "mkdir -m 0755 docker/real && ln -s real docker/ssl" });
    assert.equal(link.rc, 1, link.log);
    assert.match(link.log, /\/etc\/docker\/ssl is a symbolic link/);
    assert.equal(link.after, link.before);
    const open = await install({ shell: "mkdir -m 0777 docker/ssl" });
    assert.equal(open.rc, 1, open.log);
    assert.match(open.log, /\/etc\/docker\/ssl can be changed by users other than root/);
    assert.equal(open.after, open.before);
  });

  it("without python3: writes a new daemon.json, but refuses to merge into an existing one", async () => {
    const path = (bin: string) => toolsOnly(bin, INSTALL_TOOLS);
    const fresh = await install({ host: { configStyle: "daemon-json" }, path });
    assert.equal(fresh.rc, 0, fresh.log);
    assert.equal(JSON.parse(fresh.read("docker/daemon.json")).tls, true);
    const existing = await install({ host: { configStyle: "daemon-json" }, path, files: OLD_FILES, shell: OLD_MODES });
    assert.equal(existing.rc, 1, existing.log);
    assert.match(
      existing.log,
      /\/etc\/docker\/daemon\.json exists, and merging this bundle's settings into it needs python3/,
    );
    assert.equal(existing.after, existing.before);
    const systemd = await install({ path, files: { "docker/daemon.json": "{}" } });
    assert.equal(systemd.rc, 1, systemd.log);
    assert.match(systemd.log, /python3 is needed to read \/etc\/docker\/daemon\.json/);
  });

  it("without python3, Docker 23 and later: dockerd --validate checks daemon.json with custom.conf's flags", {
    skip: hasUsrBinDockerd,
  }, async () => {
    const dockerd = (bin: string) => `#!/bin/sh
case "$1" in
  --help) echo "      --validate                 Validate daemon configuration and exit" ;;
  --validate)
    echo "$*" >>${bin}/validate.log
    ! grep -q hosts "$3" || { echo "the following directives are specified both as a flag and in the configuration file: hosts"; exit 1; } ;;
esac
`;
    const path = (bin: string) => toolsOnly(bin, INSTALL_TOOLS);
    const clash = await install({ path, stubs: { dockerd }, files: { "docker/daemon.json": '{"hosts": []}' } });
    assert.equal(clash.rc, 1, clash.log);
    assert.match(
      clash.log,
      /dockerd --validate refuses \/etc\/docker\/daemon\.json with the flags of custom\.conf: the following directives are specified both/,
    );
    assert.equal(clash.after, clash.before);
    const fine = await install({
      path,
      stubs: { dockerd },
      files: { "docker/daemon.json": '{"log-level": "warn"}' },
    });
    assert.equal(fine.rc, 0, fine.log);
    assert.match(
      readFileSync(join(fine.bin, "validate.log"), "utf8"),
      new RegExp(`^--validate --config-file /etc/docker/daemon.json -H fd:// -H tcp://\\S+:${fine.port} --tlsverify `),
    );
  });

  const AGENT: AgentSettings = {
    dashboardUrl: "https://dockpki.example.com",
    dashboardCaPem: null,
    renewAtRemainingPercent: 33,
    renewWindow: "Mon,Thu 02:00-04:00",
  };

  it("with the renewal agent: installs it and its units with the rest, then enables the timer", async () => {
    const r = await install({ agent: AGENT, files: OLD_FILES, shell: OLD_MODES });
    assert.equal(r.rc, 0, r.log);
    assert.deepEqual(
      r.modes.filter((m) => m.includes("dockpki-renew")),
      ["systemd/system/dockpki-renew.service 644", "systemd/system/dockpki-renew.timer 644"],
    );
    assert.equal(r.sbin, "dockpki-renew 755\n");
    assert.match(r.read("system/dockpki-renew.timer"), /^OnCalendar=Mon,Thu \*-\*-\* 02:00:00$/m);
    assert.equal(r.systemctl, "daemon-reload\nrestart docker\nenable --now dockpki-renew.timer\n");
    assert.match(r.log, /dockpki-renew\.timer is enabled/);
  });

  it("with the renewal agent: takes the agent and its units out again when it rolls back", async () => {
    const r = await install({ agent: AGENT, docker: "fails", files: OLD_FILES, shell: OLD_MODES });
    assert.equal(r.rc, 1, r.log);
    assert.equal(r.after, r.before);
    assert.equal(r.sbin, "");
    assert.doesNotMatch(r.systemctl, /enable/);
  });

  it("with the renewal agent: a timer that does not start is a warning, not a roll-back", async () => {
    const r = await install({ agent: AGENT, timerFails: true });
    assert.equal(r.rc, 0, r.log);
    assert.match(
      r.log,
      /install\.sh: the renewal timer did not start; start it with: systemctl enable --now dockpki-renew\.timer\n/,
    );
    assert.equal(r.sbin, "dockpki-renew 755\n");
  });

  it("says plainly that it needs openssl, before changing anything", async () => {
    const r = await install({
      path: (bin) =>
        toolsOnly(
          bin,
          INSTALL_TOOLS.filter((t) => t !== "openssl"),
        ),
    });
    assert.equal(r.rc, 1, r.log);
    assert.match(r.log, /openssl is not installed, and it is needed to check that dockerd serves the new certificate/);
    assert.equal(r.after, r.before);
  });
});
