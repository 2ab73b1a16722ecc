import { aside, listOf, plural, type Sentence, str, withArticle } from "@/lib/audit-sentence-parts";
import { CERTIFICATE_SENTENCES } from "@/lib/audit-sentences-certificates";

const inventory = (noun: "host" | "client"): Record<string, Sentence> => ({
  [`${noun}.create`]: (e) => `${e.who} added ${noun} ${e.target}`,
  [`${noun}.update`]: (e) => `${e.who} changed ${noun} ${e.target}${aside(listOf(e.d.changed))}`,
  [`${noun}.delete`]: (e) => `${e.who} deleted ${noun} ${e.target}`,
});

/** One sentence per recorded action. lib/audit-sentences.test.ts fails when a recorded action has none. */
export const AUDIT_SENTENCES: Record<string, Sentence> = {
  "auth.login": (e) => `${e.who} signed in`,
  "auth.logout": (e) => `${e.who} signed out`,
  "auth.login_failed": (e) => `Someone failed to sign in as ${e.actorName || "an unknown user"}`,
  "auth.login_throttled": (e) =>
    `Sign-ins as ${e.actorName || "an unknown user"} were paused after too many failed attempts`,
  "auth.audit_limited": (e) =>
    `${e.who} stopped recording failed sign-ins after ${plural(e.d.limit, "event")}${aside(str(e.d.until) && `until ${str(e.d.until)}`)}`,
  "session.end": (e) => {
    const whose = !e.target || e.target === e.actorName ? "their" : `${e.target}'s`;
    const n = Number(e.d.count);
    const count = !Number.isFinite(n) || e.d.count === undefined ? "" : n === 1 ? "one of " : `${n} of `;
    return `${e.who} ended ${count}${whose} sessions`;
  },

  "admin.create": (e) =>
    `${e.who} added ${e.d.role ? `${e.target} as ${withArticle(str(e.d.role))}` : `admin ${e.target}`}`,
  "admin.delete": (e) =>
    `${e.who} removed admin ${e.target}${Number(e.d.tokensRevoked) > 0 ? ` and revoked ${plural(e.d.tokensRevoked, "API token")} they made` : ""}`,
  "admin.password": (e) =>
    e.actorKind === "admin" && e.actorName === e.target
      ? `${e.who} changed their own password`
      : `${e.who} changed the password of ${e.target}`,
  "admin.role": (e) =>
    `${e.who} made ${e.target} ${withArticle(str(e.d.role) || "admin")}${aside(str(e.d.previous) && `was ${withArticle(str(e.d.previous))}`)}${listOf(e.d.revokedTokens) ? ` and revoked the API tokens they made beyond it: ${listOf(e.d.revokedTokens)}` : ""}`,
  "token.create": (e) => {
    const expires = str(e.d.expiresAt) ? `expires ${str(e.d.expiresAt).slice(0, 10)}` : "";
    return `${e.who} created ${str(e.d.scope) ? `${withArticle(str(e.d.scope))} API token` : "API token"} ${e.target}${aside(expires)}`;
  },
  "token.revoke": (e) =>
    Number(e.d.count) > 1
      ? `${e.who} revoked ${plural(e.d.count, "API token")} named ${e.target}`
      : `${e.who} revoked API token ${e.target}`,
  "settings.update": (e) => `${e.who} changed the settings${aside(Object.keys(e.d).join(", "))}`,
  "audit.export": (e) =>
    `${e.who} exported the audit log${str(e.d.format) ? ` as ${str(e.d.format).toUpperCase()}` : ""}`,
  "audit.prune": (e) => `${e.who} removed ${plural(e.d.removed, "old audit event")} (retention setting)`,

  "ca.create": (e) => `${e.who} created the CA ${e.target}`,
  "ca.import": (e) => `${e.who} imported the CA ${e.target}`,
  "ca.rotate": (e) => `${e.who} rotated the CA to ${e.target}`,
  "ca.retire": (e) =>
    `${e.who} retired the CA ${e.target}${Number(e.d.hostsStillTrusting) > 0 ? `, which ${plural(e.d.hostsStillTrusting, "host")} still trusted` : ""}`,
  "ca.intermediate-request": (e) =>
    `${e.who} requested an issuing CA ${e.target} for the offline root to sign${e.d.mode === "rotate" ? ", to rotate to" : ""}`,

  ...inventory("host"),
  ...inventory("client"),
  "host.probe": (e) =>
    `${e.who} checked the TLS endpoint of ${e.target}${str(e.d.summary) ? `: ${str(e.d.summary)}` : ""}`,
  "enroll.create": (e) =>
    `${e.who} made an enrollment command for ${str(e.d.kind) || "holder"} ${e.target}${aside(str(e.d.expiresAt) && `valid until ${str(e.d.expiresAt).slice(0, 16).replace("T", " ")} UTC`)}`,

  ...CERTIFICATE_SENTENCES,

  "alert-channel.create": (e) => `${e.who} added alert channel ${e.target}${aside(str(e.d.type))}`,
  "alert-channel.update": (e) =>
    e.d.enabled === undefined
      ? `${e.who} changed alert channel ${e.target}`
      : `${e.who} turned ${e.d.enabled ? "on" : "off"} alert channel ${e.target}`,
  "alert-channel.delete": (e) => `${e.who} deleted alert channel ${e.target}`,
  "alert-channel.test": (e) =>
    `${e.who} sent a test alert to ${e.target}: ${e.d.ok ? "it was delivered" : `it failed${str(e.d.error) ? ` (${str(e.d.error)})` : ""}`}`,
  "alert.send": (e) => `${e.who} sent ${plural(e.d.count, "alert")} to ${e.target}`,
  "alert.send-failed": (e) =>
    `${e.who} could not send ${plural(e.d.count, "alert")} to ${e.target}${str(e.d.error) ? `: ${str(e.d.error)}` : ""}${e.d.gaveUp ? " (gave up)" : e.d.nextAttemptAt ? " (will retry)" : ""}`,
};
