import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createSession, findSessionAdmin, deleteSession, SESSION_IDLE_MS, SESSION_MAX_MS } = await import(
  "@/lib/auth/sessions"
);

const admin = await db.admin.create({ data: { username: "alice", passwordHash: "x" } });
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("a fresh session finds its admin; only the token's hash is stored", async () => {
  const { token } = await createSession(admin.id);
  assert.equal((await findSessionAdmin(token))?.username, "alice");
  assert.equal(await db.session.count({ where: { id: token } }), 0);
});

test("a session idle too long has ended, and is deleted", async () => {
  const t0 = new Date("2026-01-01T00:00:00Z");
  const { token } = await createSession(admin.id, {}, t0);
  assert.ok(await findSessionAdmin(token, new Date(t0.getTime() + SESSION_IDLE_MS - 1000)));
  // Activity moved lastSeenAt forward, so idle time counts from there.
  const later = new Date(t0.getTime() + 2 * SESSION_IDLE_MS - 2000);
  assert.ok(await findSessionAdmin(token, later));
  assert.equal(await findSessionAdmin(token, new Date(later.getTime() + SESSION_IDLE_MS + 1000)), null);
  assert.equal(await findSessionAdmin(token, later), null, "an ended session stays ended");
});

test("a session ends at its absolute limit even when active", async () => {
  const t0 = new Date("2026-02-01T00:00:00Z");
  const { token } = await createSession(admin.id, {}, t0);
  let now = t0.getTime();
  while (now + SESSION_IDLE_MS / 2 < t0.getTime() + SESSION_MAX_MS) {
    now += SESSION_IDLE_MS / 2;
    assert.ok(await findSessionAdmin(token, new Date(now)));
  }
  assert.equal(await findSessionAdmin(token, new Date(t0.getTime() + SESSION_MAX_MS + 1)), null);
});

test("sign-out deletes the session; unknown and oversized tokens find nothing", async () => {
  const { token } = await createSession(admin.id);
  await deleteSession(token);
  assert.equal(await findSessionAdmin(token), null);
  assert.equal(await findSessionAdmin("nope"), null);
  assert.equal(await findSessionAdmin("x".repeat(1000)), null);
});
