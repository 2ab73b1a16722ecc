import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { prepareTempDataDir, testDatabase } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { hashPassword } = await import("@/lib/auth/password");
const { signIn, recordAnonymousAudit } = await import("@/lib/auth/sign-in");
const { runMaintenance } = await import("@/lib/maintenance");
const { createSession, findSessionAdmin } = await import("@/lib/auth/sessions");

const PASSWORD = "correct horse battery staple";
const WRONG = "Unknown username or wrong password.";
const passwordHash = await hashPassword(PASSWORD);
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

let n = 0;
/** A fresh admin (and a clock of its own), so tests do not share throttle counters. */
async function freshAdmin() {
  const username = `admin${++n}`;
  await db.admin.create({ data: { username, passwordHash } });
  return { username, t0: new Date(Date.UTC(2026, 0, n)) };
}
const at = (t0: Date, minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe("throttled sign-in", () => {
  test("forty parallel guesses from one address: five are judged, the right password at place 12 is refused", async () => {
    const { username, t0 } = await freshAdmin();
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 11 ? PASSWORD : `wrong guess ${i}`));
    const results = await Promise.all(guesses.map((p) => signIn(username, p, "198.51.100.7", t0)));
    const judged = results.filter((r) => r.ok || r.message === WRONG).length;
    assert.equal(judged, 5, "exactly the limit of guesses was judged");
    // SQLite serves one connection's statements in the order they came; PostgreSQL serves a pool of them, so
    // there any five may win the slots, the right password among them.
    if (testDatabase === "sqlite") {
      assert.equal(results.filter((r) => r.ok).length, 0, "the right password came too late to be judged");
    }
    assert.ok(results.every((r) => r.ok || r.message === WRONG || /^Too many failed sign-ins/.test(r.message)));
  });

  test("a guesser locks only itself: the owner signs in from a known address, and from a new one", async () => {
    const { username, t0 } = await freshAdmin();
    assert.equal((await signIn(username, PASSWORD, "192.0.2.10", t0)).ok, true); // the owner's usual address
    for (let i = 0; i < 12; i++) await signIn(username, `guess ${i}`, "203.0.113.66", at(t0, 1));
    const guesser = await signIn(username, PASSWORD, "203.0.113.66", at(t0, 2));
    assert.match(guesser.ok ? "" : guesser.message, /^Too many failed sign-ins\. Try again in 1[0-5] minutes\.$/);
    assert.equal((await signIn(username, PASSWORD, "192.0.2.10", at(t0, 2))).ok, true);
    assert.equal((await signIn(username, PASSWORD, "192.0.2.99", at(t0, 3))).ok, true);
    // The guesser's window ends after 15 minutes.
    assert.equal((await signIn(username, PASSWORD, "203.0.113.66", at(t0, 16))).ok, true);
  });

  test("many addresses: the account backs off for unknown addresses, never for known ones", async () => {
    const { username, t0 } = await freshAdmin();
    assert.equal((await signIn(username, PASSWORD, "192.0.2.20", t0)).ok, true);
    for (let i = 0; i < 20; i++) {
      const r = await signIn(username, `guess ${i}`, `203.0.113.${i + 1}`, at(t0, 1));
      assert.equal(r.ok ? "" : r.message, WRONG);
    }
    const stranger = await signIn(username, PASSWORD, "203.0.113.200", at(t0, 2));
    assert.match(stranger.ok ? "" : stranger.message, /^Too many failed sign-ins/);
    assert.equal((await signIn(username, PASSWORD, "192.0.2.20", at(t0, 2))).ok, true, "the known address is spared");
    assert.equal((await signIn(username, PASSWORD, "203.0.113.200", at(t0, 62))).ok, true, "an hour later");
  });

  test("IPv6 addresses of one /64 share a counter", async () => {
    const { username, t0 } = await freshAdmin();
    for (let i = 1; i <= 5; i++) await signIn(username, "guess", `2001:db8:1:2::${i.toString(16)}`, t0);
    const r = await signIn(username, PASSWORD, "2001:db8:1:2:ffff::1", t0);
    assert.match(r.ok ? "" : r.message, /^Too many failed sign-ins/);
    assert.equal((await signIn(username, PASSWORD, "2001:db8:1:3::1", t0)).ok, true, "another /64 is another address");
  });

  test("a successful sign-in gives its slots back", async () => {
    const { username, t0 } = await freshAdmin();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) assert.equal((await signIn(username, "nope", "192.0.2.30", t0)).ok, false);
      assert.equal((await signIn(username, PASSWORD, "192.0.2.30", t0)).ok, true, `round ${round}`);
    }
  });
});

describe("what anonymous callers leave in the audit log", () => {
  test("a hostile username is stored as one bounded line without control or bidi characters", async () => {
    const typed = `evil\r\nauth.login admin\u202e${"x".repeat(8000)}`;
    await signIn(typed, "whatever password", "192.0.2.40", new Date(Date.UTC(2026, 5, 1)));
    const row = await db.auditEvent.findFirstOrThrow({
      where: { action: "auth.login_failed" },
      orderBy: { id: "desc" },
    });
    assert.ok(row.actor.startsWith("user:evilauth.login admin"), row.actor.slice(0, 80));
    assert.doesNotMatch(row.actor, /[\r\n\u202e]/);
    assert.ok(row.actor.length <= 100);
    assert.equal(row.ip, "192.0.2.40");
  });

  test("past the limit, failures are no longer written one by one: one row says so", async () => {
    const t0 = new Date(Date.UTC(2026, 6, 1));
    const before = await db.auditEvent.count();
    for (let i = 0; i < 320; i++) await recordAnonymousAudit("auth.login_failed", `u${i}`, "192.0.2.50", t0);
    assert.equal(await db.auditEvent.count(), before + 301);
    assert.equal(await db.auditEvent.count({ where: { action: "auth.audit_limited" } }), 1);
    // A new window logs again.
    await recordAnonymousAudit("auth.login_failed", "later", "192.0.2.50", at(t0, 16));
    assert.equal(await db.auditEvent.count(), before + 302);
  });
});

describe("maintenance", () => {
  test("prunes ended throttle windows and expired sessions", async () => {
    const { username, t0 } = await freshAdmin();
    for (let i = 0; i < 3; i++) await signIn(username, "nope", `198.51.100.${i + 20}`, t0);
    const admin = await db.admin.findUniqueOrThrow({ where: { username } });
    const { token } = await createSession(admin.id, {}, t0);
    assert.ok((await db.loginThrottle.count()) > 0);
    const result = await runMaintenance(at(t0, 8 * 24 * 60));
    assert.ok(result.throttle >= 3 && result.sessions >= 1, JSON.stringify(result));
    assert.equal(await db.loginThrottle.count({ where: { windowStart: { lte: at(t0, 60) } } }), 0);
    assert.equal(await findSessionAdmin(token, at(t0, 8 * 24 * 60)), null);
  });
});
