import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, test } from "node:test";
import type { Alert } from "@/lib/monitoring/alert";
import { renderEmail } from "@/lib/monitoring/alert-render";
import {
  type ChannelTarget,
  SIGNATURE_HEADER,
  type SmtpConfig,
  sendAlerts,
  signBody,
} from "@/lib/monitoring/alert-send";
import { startSmtpReceiver } from "@/lib/test-support/smtp-receiver";
import { startWebhookReceiver } from "@/lib/test-support/webhook-receiver";

// Every channel against a real receiver on 127.0.0.1: what arrives, and what a failure says.
const expiring: Alert = {
  id: "al_7d_docker1",
  event: "certificate.expiring",
  severity: "warning",
  summary: "docker1's server certificate expires in 7 days (2026-12-09).",
  at: "2026-12-02T06:00:00.000Z",
  certificate: {
    id: "crt_docker1",
    serial: "4eaf0c3b9d2e4f61a7b8c9d0e1f2a3b4",
    holder: "docker1",
    kind: "server",
    notAfter: "2026-12-09T06:00:00.000Z",
    daysLeft: 7,
  },
  host: { id: "hst_docker1", name: "docker1" },
  threshold: 7,
};
const expired: Alert = {
  id: "al_exp_ci",
  event: "certificate.expired",
  severity: "critical",
  summary: "ci-runner's client certificate expired on 2026-12-01.",
  at: "2026-12-02T06:00:00.000Z",
  certificate: {
    id: "crt_ci",
    serial: "7d01aa52c3e94b0f8e6d5c4b3a291807",
    holder: "ci-runner",
    kind: "client",
    notAfter: "2026-12-01T00:00:00.000Z",
    daysLeft: -1,
  },
  client: { id: "cli_ci", name: "ci-runner" },
};
const rotation: Alert = {
  id: "al_rot",
  event: "rotation.open",
  severity: "info",
  summary: "The CA rotation to <Prod CA 2027> & co has been open for 30 days.",
  at: "2026-12-02T06:00:00.000Z",
  detail: { days: 30 },
};
const ctx = {
  sentAt: new Date("2026-12-02T06:00:05.000Z"),
  dashboardUrl: "https://pki.example.com",
  channelName: "ops",
};
const SECRET = "s3cret-s3cret-s3cret";

const cleanups: (() => Promise<void>)[] = [];
after(() => Promise.all(cleanups.map((c) => c())));
async function webhook(opts?: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(opts);
  cleanups.push(r.close);
  return r;
}
async function smtp(opts?: Parameters<typeof startSmtpReceiver>[0]) {
  const r = await startSmtpReceiver(opts);
  cleanups.push(r.close);
  return r;
}
/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
function smtpConfig(port: number, extra: Partial<SmtpConfig> = {}): SmtpConfig {
  return {
    host: "127.0.0.1",
    port,
    security: "none",
    user: null,
    password: null,
    from: "dockpki@example.com",
    to: ["ops@example.com", "pki@example.com"],
    ...extra,
  };
}

test("webhook: one signed message, top level = most urgent alert, alerts = all in order", async () => {
  const r = await webhook({ secret: SECRET });
  const result = await sendAlerts(
    { type: "webhook", url: `${r.url}/hook`, secret: SECRET },
    [rotation, expiring, expired],
    ctx,
  );
  assert.deepEqual(result, { ok: true, detail: "HTTP 200" });
  assert.equal(r.requests.length, 1);
  const [req] = r.requests;
  assert.equal(req.signatureOk, true);
  assert.equal(req.headers[SIGNATURE_HEADER.toLowerCase()], signBody(req.body, SECRET));
  assert.equal(req.headers["content-type"], "application/json");
  assert.equal(req.headers["user-agent"], "dockpki-alerts/1");
  const body = req.json as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), [
    "version",
    "source",
    "sentAt",
    "dashboardUrl",
    "count",
    "event",
    "severity",
    "summary",
    "certificate",
    "client",
    "alerts",
  ]);
  assert.equal(body.version, 1);
  assert.equal(body.source, "dockpki");
  assert.equal(body.sentAt, "2026-12-02T06:00:05.000Z");
  assert.equal(body.dashboardUrl, "https://pki.example.com");
  assert.equal(body.count, 3);
  assert.equal(body.event, "certificate.expired");
  assert.equal(body.severity, "critical");
  assert.deepEqual(body.certificate, expired.certificate);
  assert.deepEqual(body.alerts, [expired, expiring, rotation]);
});

test("webhook: no secret, no signature header", async () => {
  const r = await webhook();
  const result = await sendAlerts({ type: "webhook", url: r.url, secret: null }, [expiring], {
    ...ctx,
    dashboardUrl: null,
  });
  assert.equal(result.ok, true);
  assert.equal(r.requests[0].headers[SIGNATURE_HEADER.toLowerCase()], undefined);
  assert.equal(r.requests[0].signatureOk, null);
  const body = r.requests[0].json as Record<string, unknown>;
  assert.equal(body.dashboardUrl, null);
  assert.equal(body.threshold, 7);
  assert.deepEqual((body.certificate as { serial: string }).serial, expiring.certificate?.serial);
});

test("webhook: an error status fails with the status and the start of the answer", async () => {
  const r = await webhook({ status: 500 });
  const result = await sendAlerts({ type: "webhook", url: r.url, secret: null }, [expiring], ctx);
  assert.deepEqual(result, { ok: false, error: `${r.url} answered HTTP 500: Cannot POST /` });
});

test("webhook: a redirect is a failure and is not followed", async () => {
  const r = await webhook({ status: 302 });
  const result = await sendAlerts({ type: "webhook", url: `${r.url}/hook`, secret: null }, [expiring], ctx);
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.error : "", /answered HTTP 302; dockpki does not follow redirects/);
  assert.deepEqual(
    r.requests.map((q) => q.path),
    ["/hook"],
  );
});

test("webhook: nothing listening, and a receiver that never answers", async () => {
  const port = await closedPort();
  const refused = await sendAlerts(
    { type: "webhook", url: `http://127.0.0.1:${port}/x`, secret: null },
    [expiring],
    ctx,
  );
  assert.deepEqual(refused, { ok: false, error: `could not connect to http://127.0.0.1:${port}: connection refused` });

  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const silentPort = (silent.address() as { port: number }).port;
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const started = Date.now();
  const hung = await sendAlerts({ type: "slack", url: `http://127.0.0.1:${silentPort}` }, [expiring], ctx, {
    timeoutMs: 300,
  });
  assert.deepEqual(hung, { ok: false, error: `timed out after 0.3 s waiting for http://127.0.0.1:${silentPort}` });
  assert.ok(Date.now() - started < 3000);
});

test("webhook: errors never show a URL's path, query or credentials, even when the receiver echoes them", async () => {
  const r = await webhook({ status: 404 });
  const url = `${r.url}/services/T0001/B0002/Xs3cr3tT0k3n?token=qu3ry`;
  const echoed = await sendAlerts({ type: "slack", url }, [expiring], ctx);
  assert.equal(r.requests[0].path, "/services/T0001/B0002/Xs3cr3tT0k3n?token=qu3ry", "the receiver did see it");
  const port = await closedPort();
  const refused = await sendAlerts(
    { type: "webhook", url: `http://127.0.0.1:${port}/Xs3cr3tT0k3n?token=qu3ry`, secret: SECRET },
    [expiring],
    ctx,
  );
  const userinfo = await sendAlerts(
    { type: "webhook", url: `http://user:pa55word@127.0.0.1:${port}/`, secret: null },
    [expiring],
    ctx,
  );
  for (const result of [echoed, refused, userinfo]) {
    assert.equal(result.ok, false);
    const error = !result.ok ? result.error : "";
    for (const secret of ["Xs3cr3tT0k3n", "qu3ry", "services", "pa55word", SECRET])
      assert.ok(!error.includes(secret), error);
  }
  assert.match(
    !echoed.ok ? echoed.error : "",
    /^http:\/\/127\.0\.0\.1:\d+ answered HTTP 404: Cannot POST \[redacted\]$/,
  );
});

test("slack: the body is only {text}, escaped as Slack needs", async () => {
  const r = await webhook();
  const result = await sendAlerts(
    { type: "slack", url: `${r.url}/services/T/B/X` },
    [rotation, expiring, expired],
    ctx,
  );
  assert.deepEqual(result, { ok: true, detail: "HTTP 200" });
  assert.equal(r.requests[0].headers[SIGNATURE_HEADER.toLowerCase()], undefined);
  assert.deepEqual(r.requests[0].json, {
    text: [
      "dockpki: 3 alerts (1 critical)",
      `• ${expired.summary}`,
      `• ${expiring.summary}`,
      "• The CA rotation to &lt;Prod CA 2027&gt; &amp; co has been open for 30 days.",
      "https://pki.example.com",
    ].join("\n"),
  });
});

test("email: one message with every alert, as text and html", async () => {
  const r = await smtp();
  const result = await sendAlerts({ type: "email", smtp: smtpConfig(r.port) }, [rotation, expiring, expired], ctx);
  assert.equal(result.ok, true);
  assert.match(result.ok ? result.detail : "", /^250 /);
  assert.equal(r.messages.length, 1);
  const [mail] = r.messages;
  assert.equal(mail.from, "dockpki@example.com");
  assert.deepEqual(mail.to, ["ops@example.com", "pki@example.com"]);
  assert.equal(mail.subject, "dockpki: 3 alerts (1 critical)");
  for (const part of [mail.text, mail.html]) {
    assert.ok(part.includes(expiring.summary) && part.includes(expired.summary));
    assert.ok(part.includes("4eaf0c3b9d2e4f61a7b8c9d0e1f2a3b4") && part.includes("7d01aa52c3e94b0f8e6d5c4b3a291807"));
    assert.ok(part.indexOf("ci-runner") < part.indexOf("docker1"), "most urgent first");
  }
  assert.ok(mail.text.includes("2026-12-09 06:00 UTC, 7 days left"));
  assert.ok(mail.html.includes("&lt;Prod CA 2027&gt; &amp; co") && !mail.html.includes("<Prod"));
  assert.ok(!/(src|href)="(?!https:\/\/pki\.example\.com")/.test(mail.html), "no external resources");

  const single = renderEmail([expiring], ctx);
  assert.equal(single.subject, `dockpki: ${expiring.summary}`);
  const long = renderEmail([{ ...expiring, summary: "x".repeat(300) }], ctx);
  assert.equal(long.subject.length, 150);
});

test("email: login, and a wrong password that no error repeats", async () => {
  const r = await smtp({ user: "alerts", password: "right-pass-1" });
  const good = await sendAlerts(
    { type: "email", smtp: smtpConfig(r.port, { user: "alerts", password: "right-pass-1" }) },
    [expiring],
    ctx,
  );
  assert.equal(good.ok, true, !good.ok ? good.error : "");
  const bad = await sendAlerts(
    { type: "email", smtp: smtpConfig(r.port, { user: "alerts", password: "Wr0ngPa55" }) },
    [expiring],
    ctx,
  );
  assert.equal(bad.ok, false);
  const error = !bad.ok ? bad.error : "";
  assert.match(error, /^SMTP server 127\.0\.0\.1:\d+ refused the login: 535/);
  assert.ok(!error.includes("Wr0ngPa55"));
  assert.equal(r.messages.length, 1);
});

test("email: TLS or STARTTLS against a plain server fail plainly", async () => {
  const r = await smtp();
  const tls = await sendAlerts({ type: "email", smtp: smtpConfig(r.port, { security: "tls" }) }, [expiring], ctx, {
    timeoutMs: 3000,
  });
  assert.equal(tls.ok, false);
  assert.match(
    !tls.ok ? tls.error : "",
    /^could not start TLS with SMTP server 127\.0\.0\.1:\d+; does it expect STARTTLS/,
  );
  const starttls = await sendAlerts(
    { type: "email", smtp: smtpConfig(r.port, { security: "starttls" }) },
    [expiring],
    ctx,
    { timeoutMs: 3000 },
  );
  assert.match(!starttls.ok ? starttls.error : "", /does not offer STARTTLS/);
  const port = await closedPort();
  const refused = await sendAlerts({ type: "email", smtp: smtpConfig(port) }, [expiring], ctx);
  assert.deepEqual(refused, {
    ok: false,
    error: `could not send through SMTP server 127.0.0.1:${port}: connection refused`,
  });
  assert.equal(r.messages.length, 0);
});

test("nothing to send: no connection at all", async () => {
  const r = await webhook();
  const s = await smtp();
  const targets: ChannelTarget[] = [
    { type: "webhook", url: r.url, secret: SECRET },
    { type: "slack", url: r.url },
    { type: "email", smtp: smtpConfig(s.port) },
  ];
  for (const target of targets)
    assert.deepEqual(await sendAlerts(target, [], ctx), { ok: false, error: "nothing to send" });
  assert.equal(r.requests.length, 0);
  assert.equal(s.messages.length, 0);
});
