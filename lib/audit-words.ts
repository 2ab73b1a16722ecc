import type { SentenceInput } from "@/lib/audit-sentence-parts";
import { AUDIT_SENTENCES } from "@/lib/audit-sentences";

/** An audit row as stored: the actor label ("admin:alice"), the action, the target and the JSON detail. */
export interface AuditRowText {
  actor: string;
  action: string;
  target: string;
  detail: string;
}

/** What the page found out about a row that the row does not say itself (a certificate's holder). */
export interface AuditContext {
  /** The name of the host or client holding the certificate the event is about. */
  holder?: string;
}

/** An actor label as the subject of a sentence: "alice", "token ci-deploy", "the CLI", "docker1". */
export function actorWords(label: string): string {
  const [kind, ...rest] = label.split(":");
  const name = rest.join(":");
  if (kind === "admin" || kind === "host" || kind === "client" || kind === "user") return name;
  if (kind === "token") return `token ${name}`;
  if (kind === "cli") return "the CLI";
  if (kind === "system") return "dockpki";
  return label;
}

/** The JSON detail as an object; anything else (old, truncated or broken rows) reads as empty. */
export function parseDetail(detail: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(detail);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function sentenceInput(row: AuditRowText, context: AuditContext): SentenceInput {
  const [kind, ...rest] = row.actor.split(":");
  return {
    who: actorWords(row.actor),
    actorKind: kind,
    actorName: rest.join(":"),
    target: row.target,
    holder: context.holder || row.target,
    d: parseDetail(row.detail),
  };
}

/** One audit event in words: "alice issued a server certificate for docker1". Never throws. */
export function describeAuditEvent(row: AuditRowText, context: AuditContext = {}): string {
  const input = sentenceInput(row, context);
  const sentence = AUDIT_SENTENCES[row.action];
  let text: string | undefined;
  try {
    text = sentence?.(input);
  } catch {
    text = undefined;
  }
  text ??= `${input.who}: ${row.action}${row.target ? ` on ${row.target}` : ""}`;
  // "the CLI" opens a sentence with a capital; names (alice, docker1) stay as they are spelt.
  return text.startsWith("the ") ? `T${text.slice(1)}` : text;
}

/** Every action that has its own sentence. */
export const DESCRIBED_ACTIONS: readonly string[] = Object.keys(AUDIT_SENTENCES);

// The fixed words of each action's sentence (actor, target and detail left out), for search.
const ACTION_WORDS = new Map(
  DESCRIBED_ACTIONS.map((action) => [
    action,
    describeAuditEvent({ actor: "", action, target: "", detail: "{}" }).toLowerCase(),
  ]),
);

/** Actions whose sentence has `term` among its fixed words: a search for "issued" finds cert.issue. */
export function actionsMatchingWords(term: string): string[] {
  const needle = term.trim().toLowerCase();
  if (!needle) return [];
  return [...ACTION_WORDS].filter(([, words]) => words.includes(needle)).map(([action]) => action);
}
