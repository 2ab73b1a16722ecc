// The pieces audit sentences are made of (lib/audit-sentences*.ts).

/** What a sentence is made of: the actor in words, its label's parts, the target and the parsed detail. */
export interface SentenceInput {
  who: string;
  actorKind: string;
  actorName: string;
  target: string;
  /** The certificate's holder when the page found it, else the target. */
  holder: string;
  d: Record<string, unknown>;
}

export type Sentence = (e: SentenceInput) => string;

/** A detail field as text; objects and missing fields read as "". */
export function str(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

/** "1 certificate", "3 certificates". */
export function plural(count: unknown, noun: string): string {
  const n = Number(count);
  return `${Number.isFinite(n) ? n : 0} ${noun}${n === 1 ? "" : "s"}`;
}

/** A serial as people compare them at a glance: "4eaf12…". */
export function shortSerial(serial: unknown): string {
  const s = str(serial);
  return s.length > 8 ? `${s.slice(0, 6)}…` : s;
}

/** "an operator", "a metrics token". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** " (x)" when x is there, "" otherwise. */
export function aside(text: string): string {
  return text ? ` (${text})` : "";
}

export function listOf(value: unknown): string {
  return Array.isArray(value) ? value.map(str).filter(Boolean).join(", ") : "";
}
