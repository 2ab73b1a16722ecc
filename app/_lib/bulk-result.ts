import "server-only";
import type { FormState } from "@/app/_components/form-state";

/** What a bulk action did, in one sentence or two: how many went ahead, and each refusal with why. */
export function bulkResult(
  done: string,
  refused: { name: string | null; reason: string }[],
  noneDone: boolean,
): FormState {
  const refusals = refused.map((r) => (r.name ? `${r.name}: ${r.reason}` : r.reason)).join(" ");
  if (noneDone) return { message: `Nothing was done. ${refusals}` };
  return { ok: refused.length === 0, message: refused.length ? `${done} Refused: ${refusals}` : done };
}

export const countOf = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
