/**
 * What text may go into a certificate name and onto the page that shows it. Besides control
 * characters: Unicode format characters (Cf: the bidi controls U+202A-U+202E and U+2066-U+2069,
 * zero-width spaces and joiners), line and paragraph separators, private-use, unassigned code
 * points and lone surrogates. They are invisible or render differently per system, so a name
 * could read as something it is not. No "server-only": ca.schema.ts uses it too.
 */
export const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;
export const NO_INVISIBLE_CHARACTERS = /^[^\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]*$/u;

export const CONTROL_CHARACTERS_REFUSED = "cannot contain control characters.";
export const INVISIBLE_CHARACTERS_REFUSED =
  "cannot contain invisible, private-use or unassigned characters (such as bidi controls or zero-width spaces).";

/** The end of a sentence saying why `value` is refused, or null when it is printable text. */
export function nameTextProblem(value: string): string | null {
  if (!NO_CONTROL_CHARACTERS.test(value)) return CONTROL_CHARACTERS_REFUSED;
  if (!NO_INVISIBLE_CHARACTERS.test(value)) return INVISIBLE_CHARACTERS_REFUSED;
  return null;
}
