import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { renderContextCommand, renderVerifyCommand } from "@/lib/bundles/client-commands";
import { renderEnvSh } from "@/lib/bundles/env-sh";
import { shellQuote } from "@/lib/bundles/quote";
import { InputError } from "@/lib/errors";
import { HOSTILE, hostileHosts, sampleHost, shellSyntaxOk } from "@/lib/test-support/bundle-hosts";
import { makeTestPki, type TestPki } from "@/lib/test-support/bundle-pki";

const hasZsh = spawnSync("zsh", ["-c", "true"]).status === 0;
const CLEAN_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: "test" };
// Debian's bash reads ~/.bashrc when stdin is a socket, which is what node's pipes are.
const QUIET_STDIN: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];

/** Writes a bundle folder with env files and (optionally) certificates; returns its path. */
function bundleDir(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "dockpki env ")), "alice@example.com");
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Sources a file from another directory and reports what the docker CLI would see. */
function sourced(shell: string, cwd: string, file: string): Record<string, string> {
  const script = `. ${shellQuote(file)}; printf '%s\\n' "$DOCKER_HOST" "$DOCKER_TLS_VERIFY" "$DOCKER_CERT_PATH" "\${_dockpki_dir-unset}"`;
  const out = execFileSync(shell, ["-c", script], { cwd, encoding: "utf8", env: CLEAN_ENV, stdio: QUIET_STDIN });
  const [host, verify, certPath, leftover] = out.trimEnd().split("\n");
  return { host, verify, certPath, leftover };
}

describe("shellQuote", () => {
  it("round-trips any string through a real sh as one word", () => {
    for (const value of [...HOSTILE, "", "-n", "=x", "~root", "a b", "*", "!x"]) {
      const script = `printf '%s|' ${shellQuote(value)}`;
      const out = execFileSync("sh", ["-c", script], { encoding: "utf8", env: CLEAN_ENV, stdio: QUIET_STDIN });
      assert.equal(out, `${value}|`);
    }
  });
});

describe("renderEnvSh", () => {
  const host = sampleHost({ dnsNames: ["*.example.com", "docker1.example.com"], ipAddresses: ["2001:db8::5"] });

  it("parses in bash and sh, and points DOCKER_CERT_PATH at its own folder from any cwd", () => {
    const env = renderEnvSh(host);
    shellSyntaxOk("bash", env);
    shellSyntaxOk("sh", env);
    const dir = bundleDir({ "env.sh": env, "ca.pem": "x" });
    assert.deepEqual(sourced("bash", "/", join(dir, "env.sh")), {
      host: "tcp://docker1.example.com:2376",
      verify: "1",
      certPath: dir,
      leftover: "unset",
    });
    // plain sh cannot know the sourced file's path: documented as ". ./env.sh" from the folder
    assert.equal(sourced("sh", dir, "./env.sh").certPath, dir);
  });

  // env.sh is sourced from zsh too (macOS's shell): .ci/run installs zsh, so on CI it must run
  it("works in zsh", { skip: !hasZsh && !process.env.CI && "zsh is not installed" }, () => {
    const dir = bundleDir({ "env.sh": renderEnvSh(host), "ca.pem": "x" });
    assert.equal(sourced("zsh", "/", join(dir, "env.sh")).certPath, dir);
  });

  it("brackets IPv6, names per-host files, and leaves DOCKER_HOST alone without a host", () => {
    const v6 = renderEnvSh(sampleHost({ name: "b", dnsNames: [], ipAddresses: ["fd00::1"] }), true);
    const dir = bundleDir({ "env-b.sh": v6, "env.sh": renderEnvSh(null), "ca.pem": "x" });
    assert.equal(sourced("bash", "/", join(dir, "env-b.sh")).host, "tcp://[fd00::1]:2376");
    assert.match(v6, /source \.\/env-b\.sh/);
    assert.equal(sourced("bash", "/", join(dir, "env.sh")).host, "");
  });

  it("warns on stderr, without failing, when sourced away from its certificates", () => {
    const dir = bundleDir({ "env.sh": renderEnvSh(host) });
    const script = `. ${shellQuote(join(dir, "env.sh"))} && echo sourced`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: CLEAN_ENV, stdio: QUIET_STDIN });
    assert.equal(r.stdout.trim(), "sourced");
    assert.match(r.stderr, /ca\.pem is not in/);
  });

  it("refuses hostile hosts", () => {
    for (const bad of hostileHosts()) assert.throws(() => renderEnvSh(bad), InputError);
  });
});

describe("renderContextCommand and renderVerifyCommand", () => {
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });

  it("is accepted by the real docker CLI, which stores the endpoint and the certificates", () => {
    const host = sampleHost({ name: "a", dnsNames: [], ipAddresses: ["2001:db8::5"] });
    const command = renderContextCommand(host, ".");
    assert.equal(
      command,
      "docker context create a-docker --docker 'host=tcp://[2001:db8::5]:2376,ca=./ca.pem,cert=./cert.pem,key=./key.pem'",
    );
    const dir = bundleDir({ "ca.pem": pki.caPem, "cert.pem": pki.clientCertPem, "key.pem": pki.clientKeyPem });
    const env = { ...CLEAN_ENV, DOCKER_CONFIG: mkdtempSync(join(tmpdir(), "dockpki-docker-")) };
    execFileSync("sh", ["-c", command], { cwd: dir, env, stdio: QUIET_STDIN });
    const [ctx] = JSON.parse(execFileSync("docker", ["context", "inspect", "a-docker"], { env, encoding: "utf8" }));
    assert.equal(ctx.Endpoints.docker.Host, "tcp://[2001:db8::5]:2376");
    assert.deepEqual(ctx.TLSMaterial.docker.sort(), ["ca.pem", "cert.pem", "key.pem"]);
  });

  it("names the certificates and the host for the classic check", () => {
    assert.equal(
      renderVerifyCommand(sampleHost()),
      "docker --tlsverify --tlscacert=ca.pem --tlscert=cert.pem --tlskey=key.pem -H=tcp://docker1.example.com:2376 version",
    );
  });

  it("refuses a directory that could add a field to the --docker list, and hostile hosts", () => {
    for (const dir of ["/tmp/a,ca=/evil", "/tmp/a=b", '/tmp/"x', "/tmp/a b", "../up", "$(id)"]) {
      assert.throws(() => renderContextCommand(sampleHost(), dir), /unsafe/);
    }
    for (const bad of hostileHosts()) {
      assert.throws(() => renderContextCommand(bad, "."), InputError);
      assert.throws(() => renderVerifyCommand(bad), InputError);
    }
  });
});
