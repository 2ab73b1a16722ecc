import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createAdmin, deleteAdmin, setAdminRole } = await import("@/lib/admins");
const { adminCreateSchema, passwordSchema } = await import("@/lib/admins.schema");
const { authenticateBearer, createApiToken } = await import("@/lib/api-tokens");

after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("removing an admin revokes the API tokens they made, in the same step", async () => {
  const cli = { kind: "cli" } as const;
  await createAdmin(cli, { username: "keeper", password: "a long enough password" });
  const leaver = await createAdmin(cli, { username: "leaver", password: "another long password" });
  const principal = { kind: "admin", id: leaver.id, username: leaver.username, role: "admin" } as const;
  const { token } = await createApiToken(principal, { name: "leaver-ci", scope: "admin", expires: null });
  assert.equal((await authenticateBearer(`Bearer ${token}`)).ok, true);
  await deleteAdmin(cli, leaver.id);
  const after = await authenticateBearer(`Bearer ${token}`);
  assert.deepEqual(after, { ok: false, message: "This API token is unknown or revoked." });
  const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "admin.delete" } });
  assert.deepEqual(JSON.parse(audit.detail), { tokensRevoked: 1 });
});

test("a demoted admin's API tokens lose what the new role does not allow, in the same step", async () => {
  const cli = { kind: "cli" } as const;
  const dora = await createAdmin(cli, { username: "dora", password: "yet another long password" });
  const principal = { kind: "admin", id: dora.id, username: dora.username, role: "admin" } as const;
  const mint = async (name: string, scope: "admin" | "issue" | "metrics", actor: typeof principal | typeof cli) =>
    (await createApiToken(actor, { name, scope, expires: null })).token;
  const admin = await mint("dora-admin", "admin", principal);
  const issue = await mint("dora-issue", "issue", principal);
  const metrics = await mint("dora-metrics", "metrics", principal);
  const server = await mint("server-admin", "admin", cli);
  const works = async (token: string) => (await authenticateBearer(`Bearer ${token}`)).ok;

  const toOperator = await setAdminRole(cli, dora.id, "operator");
  assert.deepEqual(await authenticateBearer(`Bearer ${admin}`), {
    ok: false,
    message: "This API token is unknown or revoked.",
  });
  assert.deepEqual(toOperator, { revokedTokens: ["dora-admin"] }, "the callers say which were revoked");
  assert.equal(await works(issue), true, "an operator may issue and download");
  assert.equal(await works(metrics), true);
  assert.equal(await works(server), true, "a token the CLI made belongs to no admin");
  const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "admin.role", target: "dora" } });
  assert.deepEqual(JSON.parse(audit.detail), { role: "operator", previous: "admin", revokedTokens: ["dora-admin"] });

  const toAuditor = await setAdminRole(cli, dora.id, "auditor");
  assert.equal(await works(issue), false, "an auditor never gets a key");
  assert.deepEqual(toAuditor, { revokedTokens: ["dora-issue"] });
  assert.equal(await works(metrics), true, "an auditor reads metrics");
  assert.deepEqual(await setAdminRole(cli, dora.id, "admin"), { revokedTokens: [] });
  assert.equal(await works(admin), false, "promoting again brings no revoked token back");

  // a token beyond its maker's role that was not revoked (made while a demotion was committing, or
  // before role changes revoked tokens) is refused all the same
  const late = await mint("dora-late", "admin", principal);
  await db.admin.update({ where: { id: dora.id }, data: { role: "operator" } });
  assert.deepEqual(await authenticateBearer(`Bearer ${late}`), {
    ok: false,
    message:
      "This API token's admin scope goes beyond the operator role of dora, who made it; ask an admin for a new token.",
  });
  assert.equal(await works(metrics), true);
});

test("passwords: long enough, not blank, no control characters, not the username", () => {
  const problem = (username: string, password: string) =>
    adminCreateSchema.safeParse({ username, password }).error?.issues.map((i) => i.message) ?? [];
  assert.deepEqual(problem("alice", " ".repeat(20)), ["A password cannot be only spaces."]);
  assert.match(problem("alice", "correct horse\nbattery")[0], /control characters/);
  assert.deepEqual(problem("alice.admin@x", "Alice.Admin@X"), ["The password cannot be the username."]);
  assert.deepEqual(problem("operator-account", "OPERATOR-ACCOUNT"), ["The password cannot be the username."]);
  assert.equal(passwordSchema.safeParse("correct horse battery staple").success, true);
});
