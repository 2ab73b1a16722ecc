import { aside, plural, type Sentence, type SentenceInput, shortSerial, str } from "@/lib/audit-sentence-parts";

/** "a server certificate", "a client certificate", or "a certificate" when the row does not say. */
function certificateOf(e: SentenceInput, article: "a" | "the"): string {
  const kind = e.d.kind === "server" || e.d.kind === "client" ? `${e.d.kind} ` : "";
  return `${article} ${kind}certificate`;
}

/** An agent acting for its own host or client says "its". */
const isHolder = (e: SentenceInput) => e.actorKind === "host" || e.actorKind === "client";

/** RFC 5280 reason names in words: keyCompromise -> "key compromise". */
function reasonWords(reason: unknown): string {
  const r = str(reason);
  return r && r !== "unspecified" ? r.replace(/([A-Z])/g, " $1").toLowerCase() : "";
}

function certificateNamed(serial: unknown): string {
  return str(serial) ? `certificate ${shortSerial(serial)}` : "a certificate";
}

function jobScope(d: Record<string, unknown>): string {
  if (d.scope === "expiring") return ` expiring within ${plural(d.days, "day")}`;
  if (d.scope === "previous-ca") return " still under the previous CA";
  return "";
}

/** Issuing, renewing, downloading, revoking and bulk re-issuing certificates. */
export const CERTIFICATE_SENTENCES: Record<string, Sentence> = {
  "cert.issue": (e) => `${e.who} issued ${certificateOf(e, "a")} for ${e.holder}${e.d.fromCsr ? " from its CSR" : ""}`,
  "cert.reissue": (e) => `${e.who} re-issued ${certificateOf(e, "the")} of ${e.holder}`,
  "cert.renew": (e) =>
    isHolder(e) ? `${e.who} renewed its certificate` : `${e.who} renewed ${certificateOf(e, "the")} of ${e.holder}`,
  "cert.renew_repeated": (e) =>
    `${e.who} asked again for its renewal and was sent ${certificateNamed(e.d.serial)} again`,
  "cert.enroll": (e) =>
    isHolder(e)
      ? `${e.who} enrolled and received ${certificateOf(e, "a")}`
      : `${e.who} enrolled ${e.holder} and issued ${certificateOf(e, "a")}`,
  "cert.revoke": (e) =>
    `${e.who} revoked ${certificateNamed(e.d.serial)} of ${e.holder}${aside(reasonWords(e.d.reason))}${
      str(e.d.sameKeyAs) ? `, which shares its key with ${shortSerial(e.d.sameKeyAs)}` : ""
    }`,
  "cert.download": (e) =>
    e.d.format === "p12"
      ? `${e.who} downloaded the certificate and key of ${e.holder} as a .p12 file`
      : `${e.who} downloaded the ${str(e.d.kind) ? `${str(e.d.kind)} ` : ""}bundle of ${e.holder}${e.d.withKey === false ? " (no key: issued from a CSR)" : ""}`,
  "job.start": (e) =>
    `${e.who} started re-issuing ${plural(e.d.total, "certificate")}${jobScope(e.d)}${e.d.revokeReplaced ? ", revoking the old ones" : ""}`,
  "job.cancel": (e) =>
    `${e.who} cancelled the re-issue of ${plural(e.d.total, "certificate")} with ${str(e.d.done) || 0} done`,
  "job.done": (e) =>
    `${e.who}'s re-issue of ${plural(e.d.total, "certificate")} finished: ${str(e.d.done) || 0} done, ${str(e.d.failed) || 0} failed`,
  "agent.renewed": (e) =>
    `${e.who}'s agent installed its renewed certificate${str(e.d.serial) ? ` ${shortSerial(e.d.serial)}` : ""}`,
  "agent.failed": (e) =>
    `${e.who}'s agent failed to install its renewed certificate${str(e.d.message) ? `: ${str(e.d.message)}` : ""}`,
};
