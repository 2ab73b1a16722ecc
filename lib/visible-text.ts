import { z } from "zod";
import {
  CONTROL_CHARACTERS_REFUSED,
  INVISIBLE_CHARACTERS_REFUSED,
  NO_CONTROL_CHARACTERS,
  NO_INVISIBLE_CHARACTERS,
} from "@/lib/pki/name-text";

/**
 * Free text an admin types and every page shows (labels, notes): no bidi controls or other
 * invisible characters, which could make it read as something else; line breaks only where the
 * field has lines.
 */
export function visibleText(label: string, max: number, opts: { multiline?: boolean } = {}) {
  return z
    .string()
    .trim()
    .max(max, `${label} are at most ${max} characters.`)
    .refine((v) => NO_CONTROL_CHARACTERS.test(opts.multiline ? v.replace(/\r?\n|\t/g, "") : v), {
      message: `${label} ${CONTROL_CHARACTERS_REFUSED}`,
    })
    .refine((v) => NO_INVISIBLE_CHARACTERS.test(v), { message: `${label} ${INVISIBLE_CHARACTERS_REFUSED}` });
}
