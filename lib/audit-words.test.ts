import assert from "node:assert/strict";
import { test } from "node:test";
import { actionsMatchingWords, DESCRIBED_ACTIONS, describeAuditEvent } from "@/lib/audit-words";

const row = (actor: string, action: string, target: string, detail: Record<string, unknown> = {}) => ({
  actor,
  action,
  target,
  detail: JSON.stringify(detail),
});
const SERIAL = "4eaf12c0ffee00112233445566778899";

/** One example per action: what the page shows for it. */
const EXAMPLES: [ReturnType<typeof row>, string][] = [
  [row("admin:alice", "auth.login", ""), "alice signed in"],
  [row("admin:alice", "auth.logout", ""), "alice signed out"],
  [row("user:mallory", "auth.login_failed", ""), "Someone failed to sign in as mallory"],
  [row("user:mallory", "auth.login_throttled", ""), "Sign-ins as mallory were paused after too many failed attempts"],
  [
    row("system", "auth.audit_limited", "", { limit: 100, until: "2026-12-01T10:00:00.000Z" }),
    "dockpki stopped recording failed sign-ins after 100 events (until 2026-12-01T10:00:00.000Z)",
  ],
  [row("admin:alice", "session.end", "alice", { count: 2 }), "alice ended 2 of their sessions"],
  [row("admin:alice", "session.end", "bob", { count: 1 }), "alice ended one of bob's sessions"],
  [row("admin:alice", "admin.create", "bob"), "alice added admin bob"],
  [row("admin:alice", "admin.create", "carol", { role: "auditor" }), "alice added carol as an auditor"],
  [
    row("cli", "admin.delete", "bob", { tokensRevoked: 2 }),
    "The CLI removed admin bob and revoked 2 API tokens they made",
  ],
  [row("admin:alice", "admin.password", "alice"), "alice changed their own password"],
  [row("admin:alice", "admin.password", "bob"), "alice changed the password of bob"],
  [
    row("admin:alice", "admin.role", "bob", { role: "operator", previous: "admin" }),
    "alice made bob an operator (was an admin)",
  ],
  [
    row("cli", "admin.role", "bob", { role: "auditor", previous: "admin", revokedTokens: ["ci-admin", "ci-issue"] }),
    "The CLI made bob an auditor (was an admin) and revoked the API tokens they made beyond it: ci-admin, ci-issue",
  ],
  [row("admin:alice", "token.create", "ci-deploy", { scope: "admin" }), "alice created an admin API token ci-deploy"],
  [
    row("admin:alice", "token.create", "grafana", { scope: "metrics", expiresAt: "2027-03-01T00:00:00.000Z" }),
    "alice created a metrics API token grafana (expires 2027-03-01)",
  ],
  [row("admin:alice", "token.revoke", "ci-deploy", { count: 1 }), "alice revoked API token ci-deploy"],
  [row("cli", "token.revoke", "ci", { count: 3 }), "The CLI revoked 3 API tokens named ci"],
  [
    row("admin:alice", "settings.update", "", { crlDays: { from: 7, to: 9 }, sslDir: {} }),
    "alice changed the settings (crlDays, sslDir)",
  ],
  [row("token:ci-deploy", "audit.export", "", { format: "csv" }), "token ci-deploy exported the audit log as CSV"],
  [row("system", "audit.prune", "", { removed: 25 }), "dockpki removed 25 old audit events (retention setting)"],
  [row("admin:alice", "ca.create", "dockpki CA"), "alice created the CA dockpki CA"],
  [row("admin:alice", "ca.import", "Corp CA"), "alice imported the CA Corp CA"],
  [row("admin:alice", "ca.rotate", "dockpki CA 2026"), "alice rotated the CA to dockpki CA 2026"],
  [
    row("admin:alice", "ca.retire", "dockpki CA", { hostsStillTrusting: 1 }),
    "alice retired the CA dockpki CA, which 1 host still trusted",
  ],
  [
    row("admin:alice", "ca.intermediate-request", "Issuing CA 2", { mode: "rotate" }),
    "alice requested an issuing CA Issuing CA 2 for the offline root to sign, to rotate to",
  ],
  [row("admin:alice", "host.create", "docker1", { id: "h1" }), "alice added host docker1"],
  [
    row("admin:alice", "host.update", "docker1", { id: "h1", changed: ["dnsNames", "port"] }),
    "alice changed host docker1 (dnsNames, port)",
  ],
  [row("admin:alice", "host.delete", "docker1", { id: "h1" }), "alice deleted host docker1"],
  [
    row("admin:alice", "host.probe", "docker1", { status: "ok", summary: "serves the current certificate" }),
    "alice checked the TLS endpoint of docker1: serves the current certificate",
  ],
  [row("token:ci-deploy", "client.create", "ci-runner", { id: "c1" }), "token ci-deploy added client ci-runner"],
  [row("admin:alice", "client.update", "ci-runner", { changed: ["kind"] }), "alice changed client ci-runner (kind)"],
  [row("admin:alice", "client.delete", "ci-runner"), "alice deleted client ci-runner"],
  [
    row("admin:alice", "enroll.create", "docker1", { kind: "host", expiresAt: "2026-12-02T10:30:00.000Z" }),
    "alice made an enrollment command for host docker1 (valid until 2026-12-02 10:30 UTC)",
  ],
  [
    row("admin:alice", "cert.issue", "docker1", { kind: "server", serial: SERIAL }),
    "alice issued a server certificate for docker1",
  ],
  [
    row("cli", "cert.issue", "laptop", { kind: "client", fromCsr: true }),
    "The CLI issued a client certificate for laptop from its CSR",
  ],
  [
    row("admin:alice", "cert.reissue", "docker1", { kind: "server" }),
    "alice re-issued the server certificate of docker1",
  ],
  [row("host:docker1", "cert.renew", "docker1", { kind: "server" }), "docker1 renewed its certificate"],
  [
    row("host:docker1", "cert.renew_repeated", "docker1", { serial: SERIAL }),
    "docker1 asked again for its renewal and was sent certificate 4eaf12… again",
  ],
  [
    row("host:docker1", "cert.enroll", "docker1", { kind: "server" }),
    "docker1 enrolled and received a server certificate",
  ],
  [
    row("token:ci-deploy", "cert.revoke", "ci-runner", { serial: SERIAL, reason: "unspecified" }),
    "token ci-deploy revoked certificate 4eaf12… of ci-runner",
  ],
  [
    row("admin:alice", "cert.revoke", "laptop", {
      serial: SERIAL,
      reason: "keyCompromise",
      sameKeyAs: "99aa88bb77cc66dd",
    }),
    "alice revoked certificate 4eaf12… of laptop (key compromise), which shares its key with 99aa88…",
  ],
  [
    row("admin:alice", "cert.download", "docker1", { kind: "server", withKey: true }),
    "alice downloaded the server bundle of docker1",
  ],
  [
    row("admin:alice", "cert.download", "laptop", { kind: "client", format: "p12" }),
    "alice downloaded the certificate and key of laptop as a .p12 file",
  ],
  [
    row("admin:alice", "job.start", "reissue", { total: 12, scope: "expiring", days: 30, revokeReplaced: true }),
    "alice started re-issuing 12 certificates expiring within 30 days, revoking the old ones",
  ],
  [
    row("admin:alice", "job.cancel", "reissue", { id: "j1", total: 12, done: 5 }),
    "alice cancelled the re-issue of 12 certificates with 5 done",
  ],
  [
    row("admin:alice", "job.done", "reissue", { total: 12, done: 11, failed: 1 }),
    "alice's re-issue of 12 certificates finished: 11 done, 1 failed",
  ],
  [
    row("host:docker1", "agent.renewed", "docker1", { serial: SERIAL }),
    "docker1's agent installed its renewed certificate 4eaf12…",
  ],
  [
    row("client:ci-runner", "agent.failed", "ci-runner", { message: "disk full" }),
    "ci-runner's agent failed to install its renewed certificate: disk full",
  ],
  [row("admin:alice", "alert-channel.create", "ops", { type: "webhook" }), "alice added alert channel ops (webhook)"],
  [row("admin:alice", "alert-channel.update", "ops", { enabled: false }), "alice turned off alert channel ops"],
  [row("admin:alice", "alert-channel.delete", "ops"), "alice deleted alert channel ops"],
  [row("admin:alice", "alert-channel.test", "ops", { ok: true }), "alice sent a test alert to ops: it was delivered"],
  [row("system", "alert.send", "ops", { count: 1 }), "dockpki sent 1 alert to ops"],
  [
    row("system", "alert.send-failed", "ops", { count: 2, error: "HTTP 500", nextAttemptAt: "x" }),
    "dockpki could not send 2 alerts to ops: HTTP 500 (will retry)",
  ],
];

test("each action reads as a sentence", () => {
  for (const [event, sentence] of EXAMPLES) assert.equal(describeAuditEvent(event), sentence, event.action);
  const covered = new Set(EXAMPLES.map(([event]) => event.action));
  assert.deepEqual(
    DESCRIBED_ACTIONS.filter((a) => !covered.has(a)),
    [],
    "every sentence has an example here",
  );
});

test("a certificate's holder found by the page names it, not the certificate's common name", () => {
  const event = row("admin:alice", "cert.issue", "docker1.example.com", { kind: "server" });
  assert.equal(describeAuditEvent(event, { holder: "docker1" }), "alice issued a server certificate for docker1");
});

test("rows with no, broken or truncated detail still read without holes", () => {
  for (const action of DESCRIBED_ACTIONS) {
    for (const detail of ["{}", "not json", "[1,2]", JSON.stringify({ truncated: true, size: 9000 })]) {
      const text = describeAuditEvent({ actor: "admin:alice", action, target: "x", detail });
      assert.doesNotMatch(text, /undefined|null|NaN|\[object/, `${action} with ${detail}: ${text}`);
    }
  }
});

test("an action with no sentence falls back to a readable line", () => {
  assert.equal(describeAuditEvent(row("admin:alice", "some.action", "docker1")), "alice: some.action on docker1");
  assert.equal(describeAuditEvent(row("cli", "some.action", "")), "The CLI: some.action");
});

test("a search word finds the actions whose sentence uses it", () => {
  assert.ok(actionsMatchingWords("Issued").includes("cert.issue"));
  assert.ok(actionsMatchingWords("revoked").includes("cert.revoke"));
  assert.ok(actionsMatchingWords("signed in").includes("auth.login"));
  assert.deepEqual(actionsMatchingWords("zebra"), []);
  assert.deepEqual(actionsMatchingWords("  "), []);
});
