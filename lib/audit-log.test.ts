import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { pruneAuditLog } = await import("@/lib/audit-log");
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
