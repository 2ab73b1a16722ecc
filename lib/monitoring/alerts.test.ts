import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { readDatabaseBytes } from "@/lib/test-support/raw-db";
import { startSmtpReceiver } from "@/lib/test-support/smtp-receiver";
import { prepareTempDataDir, repoRoot } from "@/lib/test-support/temp-data-dir";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/test-support/webhook-receiver";

// The alert check end to end in one process: real issuances, the scheduler's clock moved forward,
// and real receivers on loopback (an HTTP server that checks the HMAC, an SMTP server).
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { createAlertChannel, setAlertChannelEnabled } = await import("@/lib/monitoring/alert-channels");
const { runAlerts, retryDue, sendTestAlert, MAX_ATTEMPTS } = await import("@/lib/monitoring/alert-deliver");
const { crossedThreshold } = await import("@/lib/monitoring/alert-check");
const { schedulerTick } = await import("@/lib/monitoring/scheduler");
const { takeLease } = await import("@/lib/leases");

const actor = { kind: "cli" } as const;
const DAY = 86_400_000;
const SECRET = "a-shared-secret-of-32-characters";
let hook: WebhookReceiver;
let n = 0;
/**
 * The start of the scheduler's clock: every test moves it forward from here. A whole second before now:
 * certificates keep whole seconds, so one issued within t0's own second would otherwise expire a fraction
 * of a second before t0 + its days, and "30 days left" would read 29.
 */
const t0 = Math.floor(Date.now() / 1000) * 1000 - 1000;

before(async () => {
  hook = await startWebhookReceiver({ secret: SECRET });
  await createCertificateAuthority(actor, {
    commonName: "Alerts CA",
    organization: undefined,
    organizationalUnit: undefined,
    keySize: 2048,
    days: 3650,
  });
});
after(async () => {
  await hook.close();
  await db.$disconnect();
  env.cleanup();
});

async function newHost(days: number) {
  n += 1;
  const host = await createHost(
    actor,
    hostCreateSchema.parse({ name: `dock-${n}`, dnsNames: [`dock-${n}.example.com`] }),
  );
  const cert = await issueHostCertificate(actor, host.id, { days });
  return { host, cert };
}

/** The webhook bodies received since `from`, parsed. */
const bodies = (from: number) =>
  hook.requests
    .slice(from)
    .map((r) => r.json as { event: string; alerts: { event: string; summary: string }[] } & Record<string, never>);

describe("thresholds", () => {
  test("the smallest crossed threshold alerts, once", () => {
    const t0 = new Date("2026-01-01T00:00:00Z");
    const cert = (left: number) => ({ notAfter: new Date(t0.getTime() + left * DAY) });
    assert.equal(crossedThreshold(cert(31), [30, 14, 7, 1], t0), null);
    assert.equal(crossedThreshold(cert(30), [30, 14, 7, 1], t0), 30);
    // Issued for 5 days, or found late: the 7-day alert only.
    assert.equal(crossedThreshold(cert(5), [30, 14, 7, 1], t0), 7);
    assert.equal(crossedThreshold(cert(0.5), [30, 14, 7, 1], t0), 1);
  });
});

describe("alert runs", () => {
  let webhookId = "";
  let certSerial = "";

  test("a certificate alerts once per threshold as the clock moves, then at expiry", async () => {
    const { cert } = await newHost(40);
    certSerial = cert.serial;
    webhookId = (
      await createAlertChannel(actor, {
        type: "webhook",
        name: "ops-hook",
        url: hook.url,
        secret: SECRET,
        enabled: true,
      })
    ).id;
    const seen = hook.requests.length;
    assert.equal((await runAlerts(new Date(t0))).recorded.length, 0);
    assert.equal(hook.requests.length, seen, "40 days left crosses no threshold");

    const run = await runAlerts(new Date(t0 + 11 * DAY));
    assert.deepEqual(
      run.recorded.map((a) => [a.event, a.threshold]),
      [["certificate.expiring", 30]],
    );
    assert.equal(run.deliveries.length, 1);
    assert.equal(run.deliveries[0].ok, true);
    const [req] = hook.requests.slice(seen);
    assert.equal(req.signatureOk, true, "the HMAC-SHA256 signature verifies with the shared secret");
    const body = req.json as {
      version: number;
      event: string;
      certificate: { serial: string; holder: string; kind: string; daysLeft: number; notAfter: string };
      alerts: unknown[];
    };
    assert.equal(body.version, 1);
    assert.equal(body.event, "certificate.expiring");
    assert.equal(body.certificate.serial, cert.serial);
    assert.equal(body.certificate.kind, "server");
    // 29 days and a few milliseconds: whole days rounded up, as everywhere in dockpki.
    assert.equal(body.certificate.daysLeft, 30);
    assert.equal(body.alerts.length, 1);

    // The same hour again, and a later hour before the next threshold: nothing new.
    await runAlerts(new Date(t0 + 11 * DAY));
    await runAlerts(new Date(t0 + 20 * DAY));
    assert.equal(hook.requests.length, seen + 1);

    for (const [day, expected] of [
      [27, "certificate.expiring:14"],
      [34, "certificate.expiring:7"],
      [39.5, "certificate.expiring:1"],
      [41, "certificate.expired:"],
    ] as const) {
      const r = await runAlerts(new Date(t0 + day * DAY));
      assert.deepEqual(
        r.recorded.map((a) => `${a.event}:${a.threshold ?? ""}`),
        [expected],
        `day ${day}`,
      );
    }
    assert.equal(hook.requests.length, seen + 5, "one message per run with something new");
  });

  test("alerts found in one run go out as one message per channel", async () => {
    const a = await newHost(100);
    const b = await newHost(90);
    const seen = hook.requests.length;
    const run = await runAlerts(new Date(t0 + 80 * DAY));
    assert.deepEqual(run.recorded.map((x) => x.certificate?.serial).sort(), [a.cert.serial, b.cert.serial].sort());
    const [body] = bodies(seen);
    assert.equal(hook.requests.length, seen + 1);
    assert.equal(body.alerts.length, 2);
    // Most urgent first: 10 days left (under 14) before 20 (under 30).
    assert.match(body.alerts[0].summary, /expires in 1[01] days/);
  });

  test("a failed send is retried with back-off, then given up, each attempt audited", async () => {
    await newHost(200);
    hook.setStatus(500);
    const seen = hook.requests.length;
    const start = t0 + 175 * DAY;
    const run = await runAlerts(new Date(start));
    assert.equal(run.deliveries[0].ok, false);
    assert.match(run.deliveries[0].error ?? "", /HTTP 500/);
    assert.equal(run.deliveries[0].nextAttemptAt, new Date(start + 60_000).toISOString());
    assert.equal((await retryDue(new Date(start + 30_000))).length, 0, "not due yet");
    hook.setStatus(200);
    const retried = await retryDue(new Date(start + 61_000));
    assert.equal(retried.length, 1);
    assert.equal(retried[0].ok, true);
    assert.equal(hook.requests.length, seen + 2);
    const pending = await db.alertDelivery.count({ where: { status: "pending", channelId: webhookId } });
    assert.equal(pending, 0);
    const audit = await db.auditEvent.findMany({
      where: { action: { in: ["alert.send", "alert.send-failed"] }, target: "ops-hook" },
      orderBy: { id: "desc" },
      take: 2,
    });
    assert.deepEqual(
      audit.map((a) => a.action),
      ["alert.send", "alert.send-failed"],
    );

    // A channel that never accepts: attempts at the back-off times, then "failed".
    await newHost(300);
    hook.setStatus(503);
    let at = t0 + 280 * DAY;
    await runAlerts(new Date(at));
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      const next = await db.alertDelivery.findFirstOrThrow({
        where: { channelId: webhookId, status: "pending" },
        select: { nextAttemptAt: true },
      });
      at = next.nextAttemptAt.getTime();
      await retryDue(new Date(at));
    }
    const row = await db.alertDelivery.findFirstOrThrow({
      where: { channelId: webhookId, attempts: MAX_ATTEMPTS },
      select: { status: true, lastError: true },
    });
    assert.equal(row.status, "failed");
    assert.match(row.lastError ?? "", /HTTP 503/);
    hook.setStatus(200);
  });

  test("email: one message per run through a real SMTP server", async () => {
    const smtp = await startSmtpReceiver({ user: "alerts", password: "mail-password-1" });
    try {
      const channel = await createAlertChannel(actor, {
        type: "email",
        name: "oncall-mail",
        secret: null,
        smtp: {
          host: "127.0.0.1",
          port: smtp.port,
          security: "none",
          user: "alerts",
          password: "mail-password-1",
          from: "dockpki@example.com",
          to: ["oncall@example.com"],
        },
        enabled: true,
      });
      const { cert } = await newHost(400);
      await runAlerts(new Date(t0 + 394 * DAY));
      assert.equal(smtp.messages.length, 1);
      assert.deepEqual(smtp.messages[0].to, ["oncall@example.com"]);
      assert.match(smtp.messages[0].text, new RegExp(cert.serial));
      assert.match(smtp.messages[0].html, /expires in 7 days/);
      assert.equal((await sendTestAlert(actor, channel.id)).ok, true);
      assert.equal(smtp.messages.length, 2);
      await setAlertChannelEnabled(actor, channel.id, false);
    } finally {
      await smtp.close();
    }
  });

  test("secrets are sealed at rest: the database holds none of them", async () => {
    if (!env.databaseUrl) await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    const file = await readDatabaseBytes(env);
    for (const secret of [SECRET, "mail-password-1", new URL(hook.url).pathname]) {
      if (secret.length < 4) continue;
      assert.equal(file.includes(Buffer.from(secret)), false, `${secret} is stored in the clear`);
    }
    const listed = JSON.stringify(await (await import("@/lib/monitoring/alert-channels")).listAlertChannels());
    assert.equal(listed.includes(SECRET), false);
    assert.equal(listed.includes("mail-password-1"), false);
    assert.ok(certSerial);
  });
});

describe("one sender", () => {
  test("a run while another instance holds the lease is refused; the scheduler then skips", async () => {
    await newHost(500);
    // The scheduler's clock is moved so that this host has 10 days left; the other instance's
    // leases last until long after it.
    const at = new Date(t0 + 490 * DAY);
    const soon = new Date(t0 + 1000 * DAY);
    await db.lease.upsert({
      where: { name: "alerts:run" },
      create: { name: "alerts:run", holder: "other-instance", expiresAt: soon },
      update: { holder: "other-instance", expiresAt: soon },
    });
    await assert.rejects(runAlerts(at), /Another dockpki instance/);
    await db.lease.upsert({
      where: { name: "monitoring:scheduler" },
      create: { name: "monitoring:scheduler", holder: "other-instance", expiresAt: soon },
      update: { holder: "other-instance", expiresAt: soon },
    });
    const seen = hook.requests.length;
    await schedulerTick(at);
    assert.equal(hook.requests.length, seen, "the instance without the lease sent nothing");
    assert.equal(await takeLease("monitoring:scheduler", 60_000, at), false);
    // The other instance stops: its leases expire, this one takes over and sends, once.
    await db.lease.updateMany({ data: { expiresAt: new Date(0) } });
    await schedulerTick(at);
    assert.equal(hook.requests.length, seen + 1);
    // A restart (fresh scheduler state) finds nothing new to send.
    (globalThis as { dockpkiScheduler?: unknown }).dockpkiScheduler = undefined;
    await schedulerTick(at);
    assert.equal(hook.requests.length, seen + 1);
  });
});

describe("two instances", () => {
  test("two processes checking at the same moment send one message between them", async () => {
    // A host with 3 days left: new for both processes, which start together on this database.
    const { cert } = await newHost(3);
    const seen = hook.requests.length;
    const child = () =>
      new Promise<{ ran: boolean; recorded?: number; error?: string }>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          ["--conditions=react-server", "--import", "tsx", path.join(repoRoot, "lib/test-support/run-alerts.ts")],
          { cwd: repoRoot, env: process.env, stdio: ["ignore", "pipe", "inherit"] },
        );
        let out = "";
        p.stdout.on("data", (d) => {
          out += d;
        });
        p.on("error", reject);
        p.on("exit", () => resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}")));
      });
    const results = await Promise.all([child(), child()]);
    const messages = hook.requests.slice(seen).filter((r) => JSON.stringify(r.json).includes(cert.serial));
    assert.equal(messages.length, 1, JSON.stringify(results));
    assert.equal(
      results.filter((r) => r.recorded === 1).length,
      1,
      "one recorded it, the other found it recorded or waited",
    );
    assert.equal(await db.alertEvent.count({ where: { key: { contains: cert.id } } }), 1);
  });
});

describe("other events", () => {
  test("failed renewals, probe mismatches and open rotations alert once each", async () => {
    const { host } = await newHost(300);
    await db.host.update({
      where: { id: host.id },
      data: {
        agentReportAt: new Date(),
        agentReportOutcome: "failed",
        agentReportMessage: "dockerd did not restart",
        lastProbeStatus: "old",
        lastProbeSummary: "127.0.0.1:2376 serves serial 01ab, not the current certificate 7c02.",
        lastProbeAt: new Date(),
      },
    });
    const first = await runAlerts();
    assert.deepEqual(first.recorded.map((a) => a.event).sort(), ["probe.mismatch", "renewal.failed"]);
    // The overview names it too.
    const { listProbeMismatches } = await import("@/lib/monitoring/host-probe");
    assert.deepEqual(
      (await listProbeMismatches()).rows.map((r) => [r.name, r.lastProbeStatus]),
      [[host.name, "old"]],
    );
    assert.match(first.recorded.find((a) => a.event === "renewal.failed")?.summary ?? "", /dockerd did not restart/);
    assert.equal((await runAlerts()).recorded.length, 0);

    await createCertificateAuthority(
      actor,
      { commonName: "Alerts CA 2", organization: undefined, organizationalUnit: undefined, keySize: 2048, days: 3650 },
      "rotate",
    );
    assert.equal((await runAlerts()).recorded.length, 0, "a rotation just begun is not late");
    const late = await runAlerts(new Date(Date.now() + 15 * DAY));
    const rotation = late.recorded.filter((a) => a.event === "rotation.open");
    assert.equal(rotation.length, 1);
    assert.match(rotation[0].summary, /still open/);
  });
});
