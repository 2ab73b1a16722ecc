import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { skipWithoutDocker } from "../lib/test-support/docker-judge";
import { freePort } from "../lib/test-support/docker-sandbox";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";
import { type SmtpReceiver, startSmtpReceiver } from "../lib/test-support/smtp-receiver";
import { repoRoot } from "../lib/test-support/temp-data-dir";
import { startWebhookReceiver, type WebhookReceiver } from "../lib/test-support/webhook-receiver";
import { unzip } from "../lib/test-support/zip";

// Alerts and the live probe end to end, on a dashboard of this spec's own (it restarts it): real
// receivers on loopback (an HTTP server that checks the HMAC signature, a Slack-style one, an SMTP
// server), and a real dockerd on 127.0.0.1 (scripts/host-sandbox.sh) probed while it serves the
// current certificate, an old one, for a name its certificate lacks, and while stopped.
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const SANDBOX = path.join(repoRoot, "scripts", "host-sandbox.sh");
const SECRET = "e2e-shared-secret-0123456789";
let dash: OwnDashboard;
let hook: WebhookReceiver;
let slack: WebhookReceiver;
let smtp: SmtpReceiver;
const channels: Record<string, string> = {};

test.beforeAll(async () => {
  hook = await startWebhookReceiver({ secret: SECRET });
  slack = await startWebhookReceiver();
  smtp = await startSmtpReceiver({ user: "dockpki", password: "smtp-password-e2e" });
  dash = await startOwnDashboard("monitoring", { DOCKPKI_PROBE_LOOPBACK_ONLY: "1" });
  const ca = await dash.api.post("/api/v1/ca", { data: { commonName: "Monitoring E2E CA", keySize: 2048 } });
  expect(ca.status(), await ca.text()).toBe(201);
  expect((await dash.api.patch("/api/v1/settings", { data: { leafKeySize: 2048 } })).status()).toBe(200);
});

test.afterAll(async () => {
  await dash?.stop();
  await Promise.all([hook?.close(), slack?.close(), smtp?.close()]);
});

test("alert channels: webhook, Slack-style and email; secrets never shown; bad input refused", async () => {
  const { api } = dash;
  const secretPath = "/services/T000/B000/credential-in-path";
  const created = await api.post("/api/v1/alert-channels", {
    data: {
      type: "webhook",
      name: "ops-hook",
      url: `${hook.url}${secretPath}?token=abc`,
      secret: SECRET,
      enabled: true,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const webhook = await created.json();
  expect(webhook.url).toBe(new URL(hook.url).origin);
  expect(webhook.signed).toBe(true);
  channels.webhook = webhook.id;
  const slackRes = await api.post("/api/v1/alert-channels", {
    data: { type: "slack", name: "ops-chat", url: `${slack.url}/hooks/secret-slack-path`, enabled: true },
  });
  expect(slackRes.status(), await slackRes.text()).toBe(201);
  channels.slack = (await slackRes.json()).id;
  const email = await api.post("/api/v1/alert-channels", {
    data: {
      type: "email",
      name: "oncall-mail",
      smtp: {
        host: "127.0.0.1",
        port: smtp.port,
        security: "none",
        user: "dockpki",
        password: "smtp-password-e2e",
        from: "dockpki@example.com",
        to: ["oncall@example.com"],
      },
      enabled: true,
    },
  });
  expect(email.status(), await email.text()).toBe(201);
  channels.email = (await email.json()).id;

  const listed = await (await api.get("/api/v1/alert-channels")).text();
  for (const secret of [SECRET, secretPath, "token=abc", "secret-slack-path", "smtp-password-e2e"]) {
    expect(listed).not.toContain(secret);
  }
  expect(JSON.parse(listed).channels).toHaveLength(3);

  for (const [data, field] of [
    [{ type: "slack", name: "x1", url: slack.url, secret: SECRET }, "secret"],
    [{ type: "webhook", name: "x2" }, "url"],
    [{ type: "webhook", name: "x3", url: "ftp://127.0.0.1/hook" }, "url"],
    [{ type: "email", name: "x4", url: hook.url }, "smtp"],
    [{ type: "pager", name: "x5", url: hook.url }, "type"],
  ] as const) {
    const res = await api.post("/api/v1/alert-channels", { data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
    expect(Object.keys((await res.json()).error.fieldErrors ?? {})).toContain(field);
  }
  const dup = await api.post("/api/v1/alert-channels", { data: { type: "slack", name: "ops-chat", url: slack.url } });
  expect(dup.status()).toBe(409);
  expect((await api.delete("/api/v1/alert-channels/00000000-0000-4000-8000-000000000000")).status()).toBe(404);
  expect((await dash.anon.get("/api/v1/alert-channels")).status()).toBe(401);
  // SMTP host, login, recipients and last errors are for those who may change them, as on Settings.
  const reader = await api.post("/api/v1/tokens", { data: { name: "channels-reader", scope: "read" } });
  expect(reader.status(), await reader.text()).toBe(201);
  const headers = { authorization: `Bearer ${(await reader.json()).token}` };
  for (const url of ["/api/v1/alert-channels", `/api/v1/alert-channels/${channels.email}`]) {
    const refused = await dash.anon.get(url, { headers });
    const body = await refused.text();
    expect(refused.status(), body).toBe(403);
    expect(JSON.parse(body).error.requiredRole).toBe("admin");
    expect(body).not.toContain("127.0.0.1");
  }
});

test("send a test: each channel answers, the webhook is signed, a dead one says why", async () => {
  const { api } = dash;
  for (const id of Object.values(channels)) {
    const res = await api.post(`/api/v1/alert-channels/${id}/test`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  }
  const [test0] = hook.requests;
  expect(test0.signatureOk).toBe(true);
  expect(test0.json).toMatchObject({ version: 1, event: "test" });
  expect(Object.keys(slack.requests[0].json as object)).toEqual(["text"]);
  expect(smtp.messages[0].subject).toMatch(/dockpki/);

  const closed = await freePort();
  const dead = await api.post("/api/v1/alert-channels", {
    data: { type: "webhook", name: "dead-hook", url: `http://127.0.0.1:${closed}/p/secret-dead-path` },
  });
  const deadId = (await dead.json()).id;
  const answer = await (await api.post(`/api/v1/alert-channels/${deadId}/test`)).json();
  expect(answer.ok).toBe(false);
  expect(answer.error).toMatch(/connection refused/);
  expect(answer.error).not.toContain("secret-dead-path");
  expect((await api.delete(`/api/v1/alert-channels/${deadId}`)).status()).toBe(204);
});

test("a certificate issued for 5 days alerts once on every channel, and never again after a restart", async () => {
  const { api } = dash;
  const host = await api.post("/api/v1/hosts", {
    data: { name: "expiring-host", dnsNames: ["expiring.example.com"], port: 2376 },
  });
  expect(host.status(), await host.text()).toBe(201);
  const hostId = (await host.json()).id;
  const cert = await api.post(`/api/v1/hosts/${hostId}/certificates`, { data: { days: 5 } });
  expect(cert.status(), await cert.text()).toBe(201);
  const { serial } = await cert.json();
  const before = { hook: hook.requests.length, slack: slack.requests.length, mail: smtp.messages.length };

  const run = await (await api.post("/api/v1/alerts/run")).json();
  const mine = run.alerts.filter((a: { certificate?: { serial: string } }) => a.certificate?.serial === serial);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ event: "certificate.expiring", threshold: 7 });
  expect(run.deliveries.map((d: { channel: string; ok: boolean }) => [d.channel, d.ok]).sort()).toEqual([
    ["oncall-mail", true],
    ["ops-chat", true],
    ["ops-hook", true],
  ]);
  const sent = hook.requests[before.hook];
  expect(sent.signatureOk).toBe(true);
  const body = sent.json as { version: number; event: string; certificate: Record<string, unknown> };
  expect(body.version).toBe(1);
  expect(body.event).toBe("certificate.expiring");
  expect(body.certificate).toMatchObject({ serial, holder: "expiring-host", kind: "server", daysLeft: 5 });
  expect(JSON.stringify(slack.requests[before.slack].json)).toContain("expiring-host");
  expect(smtp.messages[before.mail].text).toContain(serial);

  const counts = () => [hook.requests.length, slack.requests.length, smtp.messages.length];
  const after = counts();
  expect((await (await api.post("/api/v1/alerts/run")).json()).alerts).toEqual([]);
  await dash.restart();
  // The scheduler checks at start; give it its moment, then ask again.
  await new Promise((r) => setTimeout(r, 3000));
  expect((await (await api.post("/api/v1/alerts/run")).json()).alerts).toEqual([]);
  expect(counts()).toEqual(after);
  const audit = await (await api.get("/api/v1/audit.json?action=alert.send")).json();
  const events = (audit.events ?? audit) as { target: string }[];
  expect(events.map((e) => e.target)).toEqual(expect.arrayContaining(["ops-hook", "ops-chat", "oncall-mail"]));
});

test("a channel that refuses is retried: the settings API shows the attempt and the next one", async () => {
  const { api } = dash;
  hook.setStatus(500);
  try {
    const host = await (
      await api.post("/api/v1/hosts", { data: { name: "retry-host", dnsNames: ["retry.example.com"] } })
    ).json();
    await api.post(`/api/v1/hosts/${host.id}/certificates`, { data: { days: 3 } });
    const run = await (await api.post("/api/v1/alerts/run")).json();
    const failed = run.deliveries.find((d: { channel: string }) => d.channel === "ops-hook");
    expect(failed).toMatchObject({ ok: false });
    expect(failed.error).toMatch(/HTTP 500/);
    expect(Date.parse(failed.nextAttemptAt) - Date.now()).toBeGreaterThan(30_000);
    const listed = (await (await api.get("/api/v1/alert-channels")).json()).channels.find(
      (c: { name: string }) => c.name === "ops-hook",
    );
    expect(listed).toMatchObject({ retrying: 1, lastError: expect.stringMatching(/HTTP 500/) });
    expect(listed.nextAttemptAt).toBe(failed.nextAttemptAt);
  } finally {
    hook.setStatus(200);
  }
});

test.describe("the live probe against a real dockerd", () => {
  let sandbox = "";
  let work = "";
  let hostId = "";
  let port = 0;

  const onHost = (command: string) => {
    const r = spawnSync("bash", [SANDBOX, "run", sandbox, "sh", "-c", command], { encoding: "utf8", timeout: 120_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  /** Issues a certificate for the host and, unless told not to, installs its bundle on the sandboxed host. */
  async function issue(install: boolean): Promise<string> {
    const res = await dash.api.post(`/api/v1/hosts/${hostId}/certificates`, { data: {} });
    expect(res.status(), await res.text()).toBe(201);
    const cert = await res.json();
    if (install) {
      const zip = await unzip(await (await dash.api.get(`/api/v1/certificates/${cert.id}/bundle.zip`)).body());
      const dir = mkdtempSync(path.join(work, "bundle-"));
      for (const [name, entry] of zip)
        writeFileSync(path.join(dir, path.basename(name)), entry.content, { mode: entry.mode });
      const run = onHost(`cd ${dir} && sh install.sh`);
      expect(run.status, run.output).toBe(0);
    }
    return cert.serial;
  }
  const probe = async () => {
    const res = await dash.api.post(`/api/v1/hosts/${hostId}/probe`);
    expect(res.status(), await res.text()).toBe(200);
    return res.json();
  };

  test.beforeAll(async () => {
    const skip = skipWithoutDocker();
    test.skip(!!skip, skip || "");
    work = mkdtempSync(path.join(tmpdir(), "dockpki-probe-e2e-"));
    sandbox = mkdtempSync(path.join(tmpdir(), "dockpki-probe-host-"));
    execFileSync("bash", [SANDBOX, "start", sandbox]);
    port = await freePort();
    const host = await dash.api.post("/api/v1/hosts", {
      data: { name: "probe-host", ipAddresses: ["127.0.0.1"], port, configStyle: "systemd" },
    });
    expect(host.status(), await host.text()).toBe(201);
    hostId = (await host.json()).id;
  });
  test.afterAll(() => {
    if (sandbox) spawnSync("bash", [SANDBOX, "stop", sandbox]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("serving the current certificate: Docker's version through the monitoring certificate", async () => {
    const serial = await issue(true);
    const result = await probe();
    expect(Date.parse(result.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(result.endpoints).toHaveLength(1);
    const [e] = result.endpoints;
    expect(e).toMatchObject({
      address: "127.0.0.1",
      port,
      ok: true,
      servedSerial: serial,
      isCurrent: true,
      nameOk: true,
    });
    expect(e.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    expect(e.dockerVersion).toMatch(/^\d+\.\d+/);
    expect(e.apiVersion).toMatch(/^1\.\d+$/);
    const host = await (await dash.api.get(`/api/v1/hosts/${hostId}`)).json();
    expect(host.probe.endpoints[0].servedSerial).toBe(serial);
    expect(host.lastProbe.status).toBe("current");
    // The monitoring certificate is on record, marked as such.
    const certs = await (await dash.api.get("/api/v1/certificates?q=dockpki-monitor")).json();
    const monitor = (certs.certificates ?? certs).find((c: { purpose: string | null }) => c.purpose === "monitor");
    expect(monitor).toMatchObject({ commonName: "dockpki-monitor", kind: "client", status: "active" });
    // It opens every mutual-TLS daemon of this CA: its key never leaves the dashboard.
    const bundle = await dash.api.get(`/api/v1/certificates/${monitor.id}/bundle.zip`);
    expect(bundle.status()).toBe(403);
    expect((await bundle.json()).error.message).toMatch(/never leaves the dashboard/);
  });

  test("an old serial is a mismatch, and alerts", async () => {
    const installed = (await (await dash.api.get(`/api/v1/hosts/${hostId}`)).json()).probe.endpoints[0].servedSerial;
    const seen = hook.requests.length;
    const current = await issue(false);
    const result = await probe();
    expect(result.status).toBe("old");
    expect(result.endpoints[0]).toMatchObject({ ok: false, servedSerial: installed, isCurrent: false });
    expect(result.endpoints[0].error).toContain(current.slice(0, 8));
    await expect
      .poll(() => hook.requests.slice(seen).some((r) => JSON.stringify(r.json).includes("probe.mismatch")), {
        timeout: 15_000,
      })
      .toBe(true);
  });

  test("a name the certificate lacks is a wrong name", async () => {
    await issue(true);
    // The host is now also reached as localhost, which its certificate was not issued for.
    const patch = await dash.api.patch(`/api/v1/hosts/${hostId}`, { data: { dnsNames: ["localhost"] } });
    expect(patch.status(), await patch.text()).toBe(200);
    const result = await probe();
    const byAddress = Object.fromEntries(result.endpoints.map((e: { address: string }) => [e.address, e]));
    expect(byAddress["127.0.0.1"]).toMatchObject({ ok: true, nameOk: true, isCurrent: true });
    expect(byAddress.localhost).toMatchObject({ ok: false, nameOk: false, isCurrent: true });
    expect(result.status).toBe("wrong-name");
    await dash.api.patch(`/api/v1/hosts/${hostId}`, { data: { dnsNames: [] } });
  });

  test("a stopped daemon is unreachable; /metrics carries the probe results", async () => {
    const stop = onHost("systemctl stop docker");
    expect(stop.status, stop.output).toBe(0);
    const result = await probe();
    expect(result.status).toBe("unreachable");
    expect(result.endpoints[0]).toMatchObject({ ok: false });
    expect(result.endpoints[0].error).toMatch(/connection refused/);
    const metrics = await dash.api.get("/metrics");
    expect(metrics.status()).toBe(200);
    const families = parsePrometheusTextFormat(await metrics.text());
    const serving = families.find((f) => f.name === "dockpki_host_probe_serving_current");
    expect(serving?.metrics).toEqual(expect.arrayContaining([{ labels: { host: "probe-host" }, value: "0" }]));
    const byProbe = families.find((f) => f.name === "dockpki_hosts_by_probe");
    expect(byProbe?.metrics).toEqual(expect.arrayContaining([{ labels: { state: "unreachable" }, value: "1" }]));
  });
});
