import "server-only";
import type { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { setFlash } from "@/app/_lib/flash";
import { describeError, zodFieldErrors } from "@/lib/errors";

/** Turns any error from a domain function into what a form shows; unexpected ones are logged. */
export function failure(err: unknown): FormState {
  const report = describeError(err);
  if (report.status === 500) console.error("Server action failed:", err);
  return { message: report.message, fieldErrors: report.fieldErrors };
}

/**
 * A row's action succeeded (remove, revoke, delete, end): the row, and the form in it, are gone
 * once the page renders again, so the page's notice (a status region) says what happened.
 */
export async function noticed(message: string): Promise<FormState> {
  await setFlash(message);
  return { ok: true, message };
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; state: FormState };

/** Validates form fields with a zod schema; on failure, the state the form shows next to each field. */
export function parseForm<S extends z.ZodType>(schema: S, values: unknown): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    state: { message: "Please correct the marked fields.", fieldErrors: zodFieldErrors(parsed.error.issues) },
  };
}
