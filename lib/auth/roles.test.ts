import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// Roles are enforced in lib: whichever door a request came through (page, action, API, CLI), the
// same function refuses it. These call lib directly as each role would.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createAdmin, setAdminRole, deleteAdmin } = await import("@/lib/admins");
const { authenticateBearer, createApiToken, revokeApiToken } = await import("@/lib/api-tokens");
const { tokenCreateSchema, parseTokenExpiry } = await import("@/lib/api-tokens.schema");
const { authorize, can } = await import("@/lib/auth/authorize");
const { grants, leastRoleFor, ROLES, TOKEN_SCOPES } = await import("@/lib/auth/roles");
const { createSession, findSessionAdmin } = await import("@/lib/auth/sessions");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { openBundle } = await import("@/lib/certificates/downloads");
const { revokeCertificate } = await import("@/lib/certificates/revocations");
const { describeError, ForbiddenError } = await import("@/lib/errors");
const { createHost, deleteHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { getSettings, saveSettings } = await import("@/lib/settings");

const cli = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const person = (role: "admin" | "operator" | "auditor") =>
  ({
    kind: "admin",
    id: `id-${role}`,
    username: role === "admin" ? "ada" : role === "operator" ? "olga" : "aldo",
    role,
  }) as const;

test("the table: operators run the fleet, auditors read, scopes are narrower still", () => {
  const table = Object.fromEntries(
    TOKEN_SCOPES.map((s) => [
      s,
      (
        [
          "read",
          "audit",
          "metrics",
          "inventory",
          "issue",
          "download",
          "revoke",
          "ca",
          "admins",
          "tokens",
          "settings",
        ] as const
      )
        .filter((p) => grants(s, p))
        .join(" "),
    ]),
  );
  assert.deepEqual(table, {
    admin: "read audit metrics inventory issue download revoke ca admins tokens settings",
    operator: "read audit metrics inventory issue download revoke",
    auditor: "read audit metrics",
    read: "read",
    issue: "read issue download",
    metrics: "metrics",
  });
  assert.equal(leastRoleFor("issue"), "operator");
  assert.equal(leastRoleFor("read"), "auditor");
  assert.equal(leastRoleFor("ca"), "admin");
  assert.deepEqual([...ROLES], ["admin", "operator", "auditor"]);
  // Something unknown (a principal written before roles, a typo) grants nothing.
  assert.equal(grants("root" as never, "read"), false);
});

test("a refusal is a 403 that names the role that would do and the caller's own", () => {
  const err = (() => {
    try {
      authorize(person("auditor"), "issue");
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof ForbiddenError);
  const report = describeError(err);
  assert.equal(report.status, 403);
  assert.equal(report.message, "Issuing certificates needs the operator or admin role; you are an auditor.");
  assert.deepEqual(report.details, { requiredRole: "operator" });
  assert.throws(
    () => authorize({ kind: "token", id: "t", name: "ci", scope: "read" }, "download"),
    /Downloading a bundle with its private key needs the operator or admin role \(or the issue scope\); this API token has the read scope\./,
  );
  assert.throws(() => authorize({ kind: "host", id: "h", name: "docker1" }, "read"), ForbiddenError);
  assert.equal(can(cli, "ca"), true, "the CLI on the server holds the data directory: it may do anything");
});

test("lib refuses each role what it may not do, and lets it do the rest", async () => {
  await createCertificateAuthority(cli, {
    commonName: "Roles CA",
    organization: undefined,
    organizationalUnit: undefined,
    keyType: "ecdsa-p256",
    days: 365,
  });
  const auditor = person("auditor");
  const operator = person("operator");
  const refusedAs = async (role: string, run: () => Promise<unknown>) => {
    const err = await run().then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof ForbiddenError, `expected a refusal, got ${err}`);
    return describeError(err).details?.requiredRole === role;
  };
  const hostInput = hostCreateSchema.parse({ name: "docker1", dnsNames: ["docker1.example.com"] });
  assert.ok(await refusedAs("operator", () => createHost(auditor, hostInput)));
  const host = await createHost(operator, hostInput);
  assert.ok(await refusedAs("operator", () => issueHostCertificate(auditor, host.id, {})));
  const cert = await issueHostCertificate(operator, host.id, {});
  assert.ok(await refusedAs("operator", () => openBundle(auditor, cert.id, {})), "an auditor never gets a key");
  const bundle = await openBundle(operator, cert.id, {});
  assert.ok(bundle, "an operator downloads");
  assert.ok(await refusedAs("operator", () => revokeCertificate(auditor, cert.id, "unspecified")));
  // The admin-only things: the CA, settings, admins, tokens.
  assert.ok(
    await refusedAs("admin", () =>
      createCertificateAuthority(
        operator,
        {
          commonName: "Next",
          organization: undefined,
          organizationalUnit: undefined,
          keyType: "ecdsa-p256",
          days: 365,
        },
        "rotate",
      ),
    ),
  );
  const settings = await getSettings();
  assert.ok(await refusedAs("admin", () => saveSettings(operator, settings)));
  assert.ok(
    await refusedAs("admin", () => createApiToken(operator, { name: "sneaky", scope: "admin", expires: null })),
  );
  assert.ok(
    await refusedAs("admin", () =>
      createAdmin(operator, { username: "mallory", password: "a long enough password", role: "admin" }),
    ),
  );
  // A holder's own agent renews its own certificate, and nothing else.
  const self = { kind: "host", id: host.id, name: host.name } as const;
  assert.ok(await issueHostCertificate(self, host.id, {}));
  const other = await createHost(
    operator,
    hostCreateSchema.parse({ name: "docker2", dnsNames: ["docker2.example.com"] }),
  );
  assert.ok(await refusedAs("operator", () => issueHostCertificate(self, other.id, {})));
  await revokeCertificate(operator, cert.id, "unspecified");
  await deleteHost(operator, other.id);
  const events = await db.auditEvent.findMany({ where: { actor: "admin:olga" }, select: { action: true } });
  assert.ok(
    events.some((e) => e.action === "cert.revoke"),
    "what an operator does is audited under their name",
  );
});

test("a role change applies to the next request; the last admin cannot be demoted or removed", async () => {
  const ada = await createAdmin(cli, { username: "ada", password: "a long enough password" });
  const bob = await createAdmin(cli, { username: "bob", password: "another long password", role: "operator" });
  assert.equal(bob.role, "operator");
  const { token } = await createSession(bob.id);
  assert.equal((await findSessionAdmin(token))?.role, "operator");
  await setAdminRole(cli, bob.id, "auditor");
  assert.equal((await findSessionAdmin(token))?.role, "auditor", "the session follows at once");
  await assert.rejects(setAdminRole(cli, ada.id, "operator"), /at least one admin: give another the admin role/);
  await assert.rejects(deleteAdmin(cli, ada.id), /at least one admin/);
  await setAdminRole(cli, bob.id, "admin");
  await setAdminRole(cli, ada.id, "operator");
  const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "admin.role", target: "ada" } });
  assert.deepEqual(JSON.parse(audit.detail), { role: "operator", previous: "admin" });
});

test("tokens: role or scope, an expiry, unique live names, revoke --name revokes exactly one", async () => {
  const now = new Date("2026-12-02T12:00:00Z");
  assert.deepEqual(parseTokenExpiry("30d", now), new Date("2027-01-01T12:00:00Z"));
  assert.deepEqual(parseTokenExpiry("12h", now), new Date("2026-12-03T00:00:00Z"));
  assert.deepEqual(parseTokenExpiry("2027-06-30", now), new Date("2027-06-30T00:00:00Z"));
  assert.match(String(parseTokenExpiry("yesterday", now)), /30d, 12h, 2w/);
  assert.match(String(parseTokenExpiry("2020-01-01", now)), /in the future/);
  assert.match(String(parseTokenExpiry("9999d", now)), /at most 5 years/);
  assert.deepEqual(tokenCreateSchema.parse({ name: "ci", role: "operator" }), {
    name: "ci",
    scope: "operator",
    expires: null,
  });
  assert.equal(tokenCreateSchema.parse({ name: "ci" }).scope, "admin", "as before roles");
  assert.equal(tokenCreateSchema.safeParse({ name: "ci", role: "operator", scope: "read" }).success, false);

  const ci = await createApiToken(cli, { name: "ci-deploy", scope: "issue", expires: new Date(Date.now() + 60_000) });
  await assert.rejects(
    createApiToken(cli, { name: "ci-deploy", scope: "read", expires: null }),
    /exists; choose another/,
  );
  const auth = await authenticateBearer(`Bearer ${ci.token}`);
  assert.ok(auth.ok);
  assert.deepEqual(auth.principal, { kind: "token", id: ci.id, name: "ci-deploy", scope: "issue" });
  const later = await authenticateBearer(`Bearer ${ci.token}`, new Date(Date.now() + 120_000));
  assert.equal(later.ok, false);
  assert.match(later.ok ? "" : later.message, /expired on/);

  // Two live tokens of one name from before names were unique: refuse to guess which.
  await db.apiToken.createMany({
    data: ["a", "b"].map((x) => ({ name: "legacy", prefix: `dpk_${x}`, tokenHash: `hash-${x}` })),
  });
  await assert.rejects(revokeApiToken(cli, { name: "legacy" }), /2 active tokens are called legacy; revoke one by id/);
  await revokeApiToken(cli, { name: "ci-deploy" });
  assert.equal((await authenticateBearer(`Bearer ${ci.token}`)).ok, false);
  const again = await createApiToken(cli, { name: "ci-deploy", scope: "read", expires: null });
  assert.equal(again.scope, "read", "a revoked token's name may be used again");
});
