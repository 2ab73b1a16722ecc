import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { auditQuerySchema, listAuditEvents, pruneAuditLog } = await import("@/lib/audit-log");
const { runMaintenance } = await import("@/lib/maintenance");
const { saveSettings, getSettings } = await import("@/lib/settings");

after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const DAY = 86_400_000;
const now = new Date("2026-12-01T00:00:00Z");

async function seed(count: number) {
  await db.auditEvent.deleteMany();
  await db.auditEvent.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      at: new Date(now.getTime() - (count - i) * DAY),
      actor: "cli",
      action: "test.event",
      detail: JSON.stringify({ i }),
    })),
  });
}

test("by default the audit log keeps everything", async () => {
  await seed(50);
  assert.equal(await pruneAuditLog({ days: null, count: null }, now), 0);
  assert.equal(await db.auditEvent.count(), 50);
});

test("a retention in days deletes what is older; a count keeps the newest", async () => {
  await seed(50);
  assert.equal(await pruneAuditLog({ days: 10, count: null }, now), 40);
  assert.equal(await db.auditEvent.count(), 10);
  await seed(50);
  assert.equal(await pruneAuditLog({ days: null, count: 20 }, now), 30);
  const kept = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { detail: true } });
  assert.deepEqual(JSON.parse(kept[0].detail), { i: 30 });
});

test("maintenance applies the setting and logs what it removed", async () => {
  await seed(30);
  await saveSettings({ kind: "cli" }, { ...(await getSettings()), auditRetentionDays: 5 });
  const result = await runMaintenance(now);
  assert.equal(result.audit, 25);
  const prune = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.prune" } });
  assert.equal(JSON.parse(prune.detail).removed, 25);
});

test("past the count, failed sign-ins go first: a flood of them cannot push an admin's actions out", async () => {
  await seed(10);
  await db.auditEvent.createMany({
    data: Array.from({ length: 40 }, (_, i) => ({
      at: new Date(now.getTime() - 1000 + i),
      actor: `user:guess${i}`,
      action: "auth.login_failed",
    })),
  });
  assert.equal(await pruneAuditLog({ days: null, count: 20 }, now), 30);
  assert.equal(await db.auditEvent.count({ where: { action: "test.event" } }), 10, "every admin event is kept");
  assert.equal(await db.auditEvent.count({ where: { action: "auth.login_failed" } }), 10);
  assert.equal(await pruneAuditLog({ days: null, count: 5 }, now), 15);
  assert.equal(await db.auditEvent.count({ where: { action: "auth.login_failed" } }), 0);
  assert.equal(await db.auditEvent.count({ where: { action: "test.event" } }), 5);
});

test("a search matches actor, action, target and detail in any case, and the words of the sentence", async () => {
  await db.auditEvent.deleteMany();
  const rows = [
    { actor: "admin:alice", action: "cert.issue", target: "docker1.example.com", detail: '{"kind":"server"}' },
    { actor: "token:ci-deploy", action: "cert.revoke", target: "ci-runner", detail: '{"reason":"keyCompromise"}' },
    { actor: "admin:bob", action: "host.create", target: "docker1", detail: '{"id":"h1"}' },
    { actor: "user:guess_1", action: "auth.login_failed", target: "", detail: "{}" },
  ];
  await db.auditEvent.createMany({ data: rows });
  const search = async (q: string, extra: Record<string, string> = {}) =>
    (await listAuditEvents(auditQuerySchema.parse({ q, ...extra }))).rows.map((r) => r.action).sort();
  assert.deepEqual(await search("ALICE"), ["cert.issue"], "actor, any case");
  assert.deepEqual(await search("revoke"), ["cert.revoke"], "action");
  assert.deepEqual(await search("docker1"), ["cert.issue", "host.create"], "target");
  assert.deepEqual(await search("keycompromise"), ["cert.revoke"], "detail");
  assert.deepEqual(await search("issued"), ["cert.issue"], "a word of the sentence");
  assert.deepEqual(await search("docker1 bob"), ["host.create"], "every word must match");
  assert.deepEqual(await search("_1"), ["auth.login_failed"], "'_' is a character, not a wildcard");
  assert.deepEqual(await search("docker1", { action: "host" }), ["host.create"], "with the other filters");
  assert.deepEqual(await search("nothing-like-this"), []);
  assert.equal((await listAuditEvents(auditQuerySchema.parse({ q: "  " }))).total, rows.length, "blank searches all");
});
