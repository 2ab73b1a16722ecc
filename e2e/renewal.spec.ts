import { execFileSync, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { judgeBundles, skipWithoutDocker } from "../lib/test-support/docker-judge";
import { freePort } from "../lib/test-support/docker-sandbox";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";
import { repoRoot } from "../lib/test-support/temp-data-dir";
import { unzip } from "../lib/test-support/zip";

// Hosts and clients that enroll with one command and renew themselves, end to end: a dashboard of
// its own (fresh data directory, so a CA rotation can run to its end), a throw-away Docker host
// (scripts/host-sandbox.sh: real dockerd on 127.0.0.1, real paths in private mounts, systemctl
// stubbed), the enrollment commands exactly as the dashboard shows them, the installed agents, and
// the real docker CLI as the judge of every step.
test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

const SANDBOX = path.join(repoRoot, "scripts", "host-sandbox.sh");

let dash: OwnDashboard | undefined;
let base = "";
let api: APIRequestContext;
let anon: APIRequestContext;
let sandbox = "";
let home = "";
const state: Record<string, string> = {};
let hostPort = 0;

/** Runs a command on the sandboxed host as root; HOME is a folder of the test's own. */
function onHost(command: string, env: Record<string, string> = {}) {
  const r = spawnSync("bash", [SANDBOX, "run", sandbox, "sh", "-c", command], {
    encoding: "utf8",
    env: { ...process.env, HOME: home, DOCKER_CONFIG: path.join(home, ".docker"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 180_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

/** The serial of the certificate served on 127.0.0.1:port, lower-case hex. (A mutual-TLS dockerd
 * shows its certificate before it refuses a handshake without a client certificate.) */
function servedSerial(port: number): string {
  const pem = execFileSync(
    "sh",
    ["-c", `timeout 5 openssl s_client -connect 127.0.0.1:${port} </dev/null 2>/dev/null || true`],
    {
      encoding: "utf8",
    },
  );
  return new X509Certificate(pem.slice(pem.indexOf("-----BEGIN CERTIFICATE-----"))).serialNumber.toLowerCase();
}

function pemCertificates(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (p) => new X509Certificate(p),
  );
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

async function activeCertificate(kind: "hosts" | "clients", id: string) {
  const res = await api.get(`/api/v1/${kind}/${id}/certificates`);
  expect(res.status()).toBe(200);
  const body = await res.json();
  const list = (body.certificates ?? body) as { status: string; serial: string; id: string; fromCsr: boolean }[];
  return list.find((c) => c.status === "active");
}

/** docker version through the docker context the client's enrollment created. */
function dockerVia(context: string) {
  return onHost(`docker --context ${context} version --format '{{.Server.Version}}'`);
}

test.beforeAll(async () => {
  const skip = skipWithoutDocker();
  test.skip(!!skip, skip || "");
  home = mkdtempSync(path.join(tmpdir(), "dockpki-renewal-home-"));
  sandbox = mkdtempSync(path.join(tmpdir(), "dockpki-host-"));
  // The suite's build, a data directory of this spec's own.
  dash = await startOwnDashboard("renewal");
  ({ base, api, anon } = dash);
  expect((await api.post("/api/v1/ca", { data: { commonName: "Renewal E2E CA 1", keySize: 2048 } })).status()).toBe(
    201,
  );
  const settings = await api.patch("/api/v1/settings", { data: { publicUrl: base, leafKeySize: 2048 } });
  expect(settings.status(), await settings.text()).toBe(200);
  execFileSync("bash", [SANDBOX, "start", sandbox]);
});

test.afterAll(async () => {
  if (sandbox) spawnSync("bash", [SANDBOX, "stop", sandbox]);
  await dash?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

test("a host with no bundle enrolls with the one-line command; its key never reaches the dashboard", async () => {
  hostPort = await freePort();
  const host = await api.post("/api/v1/hosts", {
    data: { name: "renew-host", ipAddresses: ["127.0.0.1"], port: hostPort, configStyle: "systemd" },
  });
  expect(host.status(), await host.text()).toBe(201);
  state.hostId = (await host.json()).id;
  const other = await api.post("/api/v1/hosts", { data: { name: "other-host", ipAddresses: ["127.0.0.2"] } });
  state.otherHostId = (await other.json()).id;

  const enrollment = await api.post(`/api/v1/hosts/${state.hostId}/enrollment`);
  expect(enrollment.status(), await enrollment.text()).toBe(201);
  const { token, expiresAt, command } = await enrollment.json();
  expect(command).toBe(`curl -fsSL '${base}/enroll/${token}' | sudo sh`);
  expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

  const run = onHost(command);
  expect(run.status, run.output).toBe(0);
  const cert = await activeCertificate("hosts", state.hostId);
  expect(cert?.fromCsr, "the dashboard holds no key for it").toBe(true);
  expect(servedSerial(hostPort)).toBe(cert?.serial);
  state.hostSerial = cert?.serial ?? "";
  // Its bundle has no key.pem either.
  const zip = await unzip(await (await api.get(`/api/v1/certificates/${cert?.id}/bundle.zip`)).body());
  expect([...zip.keys()].some((name) => name.endsWith("/key.pem"))).toBe(false);
  // The agent and its timer are installed.
  const installed = onHost("ls -l /usr/local/sbin/dockpki-renew /etc/systemd/system/dockpki-renew.timer");
  expect(installed.status, installed.output).toBe(0);
  expect(readFileSync(path.join(sandbox, "systemctl.log"), "utf8")).toMatch(/enable --now dockpki-renew\.timer/);

  // The token works once; another host's token cannot enroll this one.
  expect((await anon.get(`/enroll/${token}`)).status()).toBe(410);
  // curl -f refuses the 410 and hands sh nothing to run: the host is left as it was.
  const again = onHost(command);
  expect(again.stderr).toMatch(/error: 410/);
  expect(servedSerial(hostPort)).toBe(state.hostSerial);
  const theirs = await (await api.post(`/api/v1/hosts/${state.otherHostId}/enrollment`)).json();
  const csr = execFileSync("sh", [
    "-c",
    "openssl req -new -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=x -outform DER 2>/dev/null | base64 -w0",
  ]).toString();
  const misuse = await anon.post("/api/v1/enroll", { data: { token: theirs.token, csr, name: "renew-host" } });
  expect(misuse.status(), await misuse.text()).toBe(403);
});

test("a client enrolls without root: a folder, env files, docker contexts and the agent", async () => {
  const client = await api.post("/api/v1/clients", { data: { name: "renew-ci", kind: "ci" } });
  expect(client.status(), await client.text()).toBe(201);
  state.clientId = (await client.json()).id;
  const { command } = await (await api.post(`/api/v1/clients/${state.clientId}/enrollment`)).json();
  expect(command).toMatch(/^curl -fsSL '.+\/enroll\/[A-Za-z0-9_-]{43}' \| sh$/);
  const run = onHost(command);
  expect(run.status, run.output).toBe(0);
  state.clientDir = path.join(home, ".docker", "dockpki", "renew-ci");
  const ls = onHost(`ls ${state.clientDir}`);
  expect(ls.stdout).toMatch(/ca\.pem/);
  expect(ls.stdout).toMatch(/dockpki-renew/);
  expect((await activeCertificate("clients", state.clientId))?.fromCsr).toBe(true);
  const docker = dockerVia("renew-host");
  expect(docker.status, docker.output).toBe(0);
});

test("the host's agent renews when due: dockerd restarts with the new certificate and reports it", async () => {
  const check = onHost("dockpki-renew --check");
  expect(check.status, check.output).toBe(0);
  expect(check.output).toContain(state.hostSerial);
  // Not due yet: nothing changes.
  const early = onHost("dockpki-renew");
  expect(early.status, early.output).toBe(0);
  expect(servedSerial(hostPort)).toBe(state.hostSerial);
  // Twenty-nine days on, a 30-day certificate is due.
  const later = String(Math.floor(Date.now() / 1000) + 29 * 86_400);
  expect(onHost("dockpki-renew --check", { DOCKPKI_NOW: later }).status).not.toBe(0);
  const renew = onHost("dockpki-renew", { DOCKPKI_NOW: later });
  expect(renew.status, renew.output).toBe(0);
  const cert = await activeCertificate("hosts", state.hostId);
  expect(cert?.serial).not.toBe(state.hostSerial);
  expect(servedSerial(hostPort)).toBe(cert?.serial);
  state.hostSerial = cert?.serial ?? "";
  const host = await (await api.get(`/api/v1/hosts/${state.hostId}`)).json();
  expect(host.agent).toMatchObject({ outcome: "ok", serial: state.hostSerial, servedSerial: state.hostSerial });
  const docker = dockerVia("renew-host");
  expect(docker.status, docker.output).toBe(0);
});

test("the client's agent renews the folder and updates its docker contexts", async () => {
  const before = onHost(`openssl x509 -in ${state.clientDir}/cert.pem -noout -serial`).stdout;
  const renew = onHost(`${state.clientDir}/dockpki-renew --now`);
  expect(renew.status, renew.output).toBe(0);
  const after = onHost(`openssl x509 -in ${state.clientDir}/cert.pem -noout -serial`).stdout;
  expect(after).not.toBe(before);
  const cert = await activeCertificate("clients", state.clientId);
  expect(after.toLowerCase()).toContain(cert?.serial);
  // The context holds copies of the files: it must have been updated to keep working.
  const contextCert = onHost(
    `cat "$DOCKER_CONFIG/contexts/tls/$(printf %s renew-host | sha256sum | cut -c1-64)/docker/cert.pem"`,
  ).stdout;
  expect(fingerprint(contextCert)).toBe(fingerprint(onHost(`cat ${state.clientDir}/cert.pem`).stdout));
  const docker = dockerVia("renew-host");
  expect(docker.status, docker.output).toBe(0);
});

test("a restart that fails rolls back, reports the failure, and the next run installs the renewal", async () => {
  const kept = onHost("sha256sum /etc/docker/ssl/cert.pem /etc/docker/ssl/key.pem /etc/docker/ssl/ca.pem").stdout;
  onHost(`touch ${sandbox}/fail-next-restart`);
  const renew = onHost("dockpki-renew --now");
  expect(renew.status, renew.output).not.toBe(0);
  expect(renew.stderr.trim().split("\n").at(-1)).toMatch(/docker/);
  expect(onHost("sha256sum /etc/docker/ssl/cert.pem /etc/docker/ssl/key.pem /etc/docker/ssl/ca.pem").stdout).toBe(kept);
  expect(servedSerial(hostPort)).toBe(state.hostSerial);
  const host = await (await api.get(`/api/v1/hosts/${state.hostId}`)).json();
  expect(host.agent.outcome).toBe("failed");
  expect(host.agent.message).toMatch(/docker/);
  expect(host.agent.servedSerial ?? state.hostSerial).toBe(state.hostSerial);
  const issued = await activeCertificate("hosts", state.hostId);
  expect(issued?.serial, "the dashboard issued a renewal that is not installed yet").not.toBe(state.hostSerial);

  const retry = onHost("dockpki-renew");
  expect(retry.status, retry.output).toBe(0);
  const now = await activeCertificate("hosts", state.hostId);
  expect(servedSerial(hostPort)).toBe(now?.serial);
  state.hostSerial = now?.serial ?? "";
  expect((await (await api.get(`/api/v1/hosts/${state.hostId}`)).json()).agent.outcome).toBe("ok");
});

test("a revoked client's agent is refused, and its certificate runs out at its notAfter", async () => {
  const victim = await api.post("/api/v1/clients", { data: { name: "renew-leaver", kind: "person" } });
  const id = (await victim.json()).id;
  const { command } = await (await api.post(`/api/v1/clients/${id}/enrollment`)).json();
  const dir = path.join(home, "leaver");
  const run = onHost(command, { DOCKPKI_DIR: dir });
  expect(run.status, run.output).toBe(0);
  const cert = await activeCertificate("clients", id);
  expect(
    (await api.post(`/api/v1/certificates/${cert?.id}/revoke`, { data: { reason: "cessationOfOperation" } })).status(),
  ).toBe(200);
  const before = onHost(`sha256sum ${dir}/cert.pem ${dir}/key.pem`).stdout;
  const renew = onHost(`${dir}/dockpki-renew --now`);
  expect(renew.status).not.toBe(0);
  expect(renew.stderr.trim().split("\n")).toHaveLength(1);
  expect(renew.stderr).toMatch(/revoked/);
  expect(onHost(`sha256sum ${dir}/cert.pem ${dir}/key.pem`).stdout).toBe(before);
  // dockerd reads no CRL: the certificate works until it expires, and not a second longer.
  const notAfter = Math.floor(Date.parse(new X509Certificate(onHost(`cat ${dir}/cert.pem`).stdout).validTo) / 1000);
  const verify = (at: number) =>
    onHost(`openssl verify -attime ${at} -purpose sslclient -CAfile ${dir}/ca.pem ${dir}/cert.pem`);
  expect(verify(notAfter - 60).status).toBe(0);
  const after = verify(notAfter + 60);
  expect(after.status).not.toBe(0);
  expect(after.output).toMatch(/expired/);
  expect(notAfter - Date.now() / 1000).toBeLessThanOrEqual(7 * 86_400 + 60);
});

test("a CA rotation completes through renewals alone", async () => {
  const cas = async () =>
    (await (await api.get("/api/v1/cas")).json()).certificateAuthorities as {
      id: string;
      state: string;
      certPem: string;
    }[];
  const [oldCa] = (await cas()).filter((c) => c.state === "active");
  const rotated = await api.post("/api/v1/ca/rotate", { data: { commonName: "Renewal E2E CA 2", keySize: 2048 } });
  expect(rotated.status(), await rotated.text()).toBe(201);
  const newCa = (await cas()).find((c) => c.state === "active");
  expect(newCa?.id).not.toBe(oldCa.id);

  // Both agents renew: new certificates, and a ca.pem with both CAs.
  for (const cmd of ["dockpki-renew --now", `${state.clientDir}/dockpki-renew --now`]) {
    const r = onHost(cmd);
    expect(r.status, r.output).toBe(0);
  }
  const both = pemCertificates(onHost("cat /etc/docker/ssl/ca.pem").stdout).map((c) => c.fingerprint256);
  expect(both.sort()).toEqual([fingerprint(oldCa.certPem), fingerprint(newCa?.certPem ?? "")].sort());
  expect(dockerVia("renew-host").status).toBe(0);

  // Nothing valid depends on the old CA any more (the revoked client's certificate does not count).
  const retire = await api.post(`/api/v1/cas/${oldCa.id}/retire`);
  expect(retire.status(), await retire.text()).toBe(200);
  for (const cmd of ["dockpki-renew --now", `${state.clientDir}/dockpki-renew --now`]) {
    const r = onHost(cmd);
    expect(r.status, r.output).toBe(0);
  }
  for (const file of ["/etc/docker/ssl/ca.pem", `${state.clientDir}/ca.pem`]) {
    const left = pemCertificates(onHost(`cat ${file}`).stdout).map((c) => c.fingerprint256);
    expect(left, file).toEqual([fingerprint(newCa?.certPem ?? "")]);
  }
  const served = servedSerial(hostPort);
  expect(served).toBe((await activeCertificate("hosts", state.hostId))?.serial);
  const docker = dockerVia("renew-host");
  expect(docker.status, docker.output).toBe(0);
  // The host's last report names the certificate it serves.
  const host = await (await api.get(`/api/v1/hosts/${state.hostId}`)).json();
  expect(host.agent).toMatchObject({ outcome: "ok", servedSerial: served });
});

test("the judges accept what the agents installed: the host's files and drop-in, the client's folder", () => {
  // What renewal wrote on the host (certificates, key made there, custom.conf), copied out of the sandbox.
  const server = mkdtempSync(path.join(tmpdir(), "dockpki-renewed-server-"));
  const copy = onHost(
    `cp /etc/docker/ssl/ca.pem /etc/docker/ssl/cert.pem /etc/docker/ssl/key.pem /etc/systemd/system/docker.service.d/custom.conf ${server}/`,
  );
  expect(copy.status, copy.output).toBe(0);
  const { own, second } = judgeBundles(server, state.clientDir);
  expect(own.status, own.output).toBe(0);
  if (second) expect(second.status, second.output).toBe(0);
  rmSync(server, { recursive: true, force: true });
});
