import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createAdmin } = await import("@/lib/admins");
const { changeOwnPassword, endOwnSessions, listOwnSessions } = await import("@/lib/auth/account");
const { createSession, findSessionAdmin } = await import("@/lib/auth/sessions");
const { signIn } = await import("@/lib/auth/sign-in");

const cli = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

async function signedIn(username: string) {
  const { token } = await createSession((await db.admin.findUniqueOrThrow({ where: { username } })).id);
  const session = await findSessionAdmin(token);
  assert.ok(session);
  return { token, session, me: { kind: "admin", id: session.id, username, role: session.role } as const };
}

test("changing your own password needs the current one, and ends your other sessions only", async () => {
  await createAdmin(cli, { username: "carol", password: "the first long password" });
  await createAdmin(cli, { username: "dave", password: "dave's long password" });
  const laptop = await signedIn("carol");
  const phone = await signedIn("carol");
  const dave = await signedIn("dave");
  await assert.rejects(
    changeOwnPassword(
      laptop.me,
      { current: "not my password!", password: "a brand new password" },
      laptop.session.sessionId,
    ),
    (err: Error & { fieldErrors?: Record<string, string[]> }) =>
      err.fieldErrors?.current?.[0] === "That is not your current password.",
  );
  await assert.rejects(
    changeOwnPassword(laptop.me, { current: "the first long password", password: "the first long password" }, null),
    /is the current one/,
  );
  const { endedSessions } = await changeOwnPassword(
    laptop.me,
    { current: "the first long password", password: "a brand new password" },
    laptop.session.sessionId,
  );
  assert.equal(endedSessions, 1);
  assert.ok(await findSessionAdmin(laptop.token), "the session that changed it stays");
  assert.equal(await findSessionAdmin(phone.token), null, "the other one ended");
  assert.ok(await findSessionAdmin(dave.token), "someone else's sessions are not touched");
  assert.equal((await signIn("carol", "a brand new password", "127.0.0.1")).ok, true);
});

test("guessing the current password through a session is throttled", async () => {
  await createAdmin(cli, { username: "erin", password: "erin's long password" });
  const { me } = await signedIn("erin");
  const wrong = () => changeOwnPassword(me, { current: "a wrong guess here", password: "whatever new password" }, null);
  for (let i = 0; i < 5; i++) await assert.rejects(wrong(), /not your current password/);
  await assert.rejects(wrong(), /Too many attempts/);
  await assert.rejects(
    changeOwnPassword(me, { current: "erin's long password", password: "whatever new password" }, null),
    /Too many attempts/,
    "even the right password waits",
  );
});

test("you see your own sessions and end one, or every other; never someone else's", async () => {
  await createAdmin(cli, { username: "frank", password: "frank's long password" });
  const a = await signedIn("frank");
  const b = await signedIn("frank");
  await signedIn("frank");
  const other = await signedIn("dave");
  const listed = await listOwnSessions(a.me.id, a.session.sessionId);
  assert.equal(listed.length, 3);
  assert.equal(listed.filter((s) => s.current).length, 1);
  assert.ok(
    listed.every((s) => /^[0-9a-f]{16}$/.test(s.ref) && !("id" in s)),
    "sessions are named by a short reference",
  );
  const daveRef = (await listOwnSessions(other.me.id, null))[0].ref;
  await assert.rejects(endOwnSessions(a.me, { ref: daveRef }), /already ended/, "not one of frank's");
  assert.ok(await findSessionAdmin(other.token));
  const bRef = listed.find((s) => !s.current && s.ref === b.session.sessionId.slice(0, 16))?.ref;
  assert.ok(bRef);
  assert.equal(await endOwnSessions(a.me, { ref: bRef }), 1);
  assert.equal(await findSessionAdmin(b.token), null);
  assert.equal(await endOwnSessions(a.me, { allBut: a.session.sessionId }), 1);
  assert.deepEqual(
    (await listOwnSessions(a.me.id, a.session.sessionId)).map((s) => s.current),
    [true],
  );
});
