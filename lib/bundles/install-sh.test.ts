import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { BundleHost } from "@/lib/bundles/bundle-input";
import { renderInstallSh } from "@/lib/bundles/install-sh";
import { makeTestPki, type TestPki } from "@/lib/bundles/test-pki";
import { HOSTILE, hostileHosts, sampleHost, shellSyntaxOk } from "@/lib/bundles/test-support";
import { buildServerBundle } from "@/lib/bundles/zip";
import { InputError } from "@/lib/errors";
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
      assert.equal(script.includes("dockpki-backup-"), configStyle === "daemon-json");
    });
  }

  it("refuses to run as non-root before touching anything", () => {
    const dir = mkdtempSync(join(tmpdir(), "dockpki-install-"));
    writeFileSync(join(dir, "install.sh"), renderInstallSh(sampleHost(), "/etc/docker/ssl"));
    const marker = join(dir, "touched");
    const touch = `#!/bin/sh\ntouch ${marker}\n`;
    const bin = stubBin({ id: "#!/bin/sh\necho 1000\n", mkdir: touch, cp: touch, mv: touch, chmod: touch });
    const env = { PATH: `${bin}:/usr/bin:/bin`, NODE_ENV: "test" } as const;
    const r = spawnSync("sh", [join(dir, "install.sh")], { cwd: "/", encoding: "utf8", env, stdio: STDIO });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /run this as root/);
    assert.ok(!existsSync(marker) && !existsSync(join(bin, "systemctl.log")));
  });

  it("refuses hostile input", () => {
    for (const bad of hostileHosts()) assert.throws(() => renderInstallSh(bad, "/etc/docker/ssl"), InputError);
    for (const bad of HOSTILE) assert.throws(() => renderInstallSh(sampleHost(), `/x/${bad}`), InputError);
  });
});

// A real run, as root, in a private mount namespace whose /etc/docker and /etc/systemd/system are
// empty tmpfs mounts: nothing on this machine is touched, and systemctl is a stub.
describe("install.sh in a sandbox", { skip: !canSandbox && "needs root and unshare -m" }, () => {
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });

  async function install(host: BundleHost, existingDaemonJson: string | null) {
    const zip = buildServerBundle({
      host,
      caCertPems: [pki.caPem],
      certPem: pki.serverCertPem,
      keyPem: pki.serverKeyPem,
      sslDir: "/etc/docker/ssl",
    });
    const bundle = join(await extract(zip, mkdtempSync(join(tmpdir(), "dockpki-install-"))), host.name);
    const out = mkdtempSync(join(tmpdir(), "dockpki-result-"));
    const bin = stubBin({});
    const seed = existingDaemonJson === null ? "" : `printf '%s' '${existingDaemonJson}' >/etc/docker/daemon.json`;
    const script = `set -e
mount -t tmpfs tmpfs /etc/docker
mount -t tmpfs tmpfs /etc/systemd/system
${seed}
set +e
sh ${bundle}/install.sh >${out}/log 2>&1
echo $? >${out}/rc
cd /etc && find docker systemd/system -type f -exec stat -c '%n %a' {} + | sort >${out}/modes
cp -r /etc/docker /etc/systemd/system ${out}/`;
    const env = { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, NODE_ENV: "test" } as const;
    const r = spawnSync("unshare", ["-m", "sh", "-c", script], { cwd: "/", encoding: "utf8", env, stdio: STDIO });
    assert.equal(r.status, 0, r.stderr);
    const read = (f: string) => (existsSync(join(out, f)) ? readFileSync(join(out, f), "utf8") : "");
    return { rc: Number(read("rc")), log: read("log"), modes: read("modes"), read, bin };
  }

  it("installs the daemon-json style from any cwd, backs up daemon.json, restarts docker", async () => {
    const r = await install(sampleHost({ configStyle: "daemon-json" }), '{"log-driver": "journald"}');
    assert.equal(r.rc, 0, r.log);
    const files = r.modes.trim().split("\n");
    assert.deepEqual(
      files.filter((l) => !l.includes("dockpki-backup-")),
      [
        "docker/daemon.json 644",
        "docker/ssl/ca.pem 644",
        "docker/ssl/cert.pem 644",
        "docker/ssl/key.pem 600",
        "systemd/system/docker.service.d/custom.conf 644",
      ],
    );
    assert.equal(files.filter((l) => l.includes("docker/daemon.json.dockpki-backup-")).length, 1);
    assert.match(r.log, /backed up the existing \/etc\/docker\/daemon\.json/);
    assert.equal(JSON.parse(r.read("docker/daemon.json")).tlsverify, true);
    // this machine has Debian's /usr/sbin/dockerd, so the drop-in was pointed there
    const dockerd = existsSync("/usr/bin/dockerd") ? "/usr/bin/dockerd" : "/usr/sbin/dockerd";
    assert.match(r.read("system/docker.service.d/custom.conf"), new RegExp(`^ExecStart=${dockerd}$`, "m"));
    assert.equal(readFileSync(join(r.bin, "systemctl.log"), "utf8"), "daemon-reload\nrestart docker\n");
    assert.match(r.log, /docker --tlsverify --tlscacert=ca\.pem .* version/);
  });

  it("systemd style: stops before changing anything when daemon.json also sets hosts", async () => {
    const r = await install(sampleHost(), '{"hosts": ["unix:///var/run/docker.sock"]}');
    assert.equal(r.rc, 1);
    assert.match(r.log, /sets hosts or tls options that custom\.conf sets as flags/);
    assert.equal(r.modes.trim(), "docker/daemon.json 644");
    assert.ok(!existsSync(join(r.bin, "systemctl.log")));
  });
});
