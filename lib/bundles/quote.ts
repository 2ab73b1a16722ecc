import "server-only";

// Quoting for the two languages bundles are written in. Validation already keeps values to safe
// characters; quoting is the second line, so it must be correct for any string.

const SHELL_BARE = /^[A-Za-z0-9_./-][A-Za-z0-9_.,:=@%+/-]*$/;

/** One POSIX shell word: bare when nothing in it is special, else single-quoted. */
export function shellQuote(value: string): string {
  if (SHELL_BARE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const SYSTEMD_BARE = /^[A-Za-z0-9_./:=@+,[\]-]+$/;

/** One word of a systemd ExecStart= line. systemd expands `%` specifiers and `$VAR` everywhere,
 * also inside quotes, so those are doubled; a line break cannot be expressed safely at all. */
export function systemdWord(value: string): string {
  if (/\p{Cc}/u.test(value)) throw new Error("A control character cannot be written into a systemd unit.");
  const escaped = value.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (SYSTEMD_BARE.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** An ExecStart= value from its words. */
export function systemdCommandLine(words: string[]): string {
  return words.map(systemdWord).join(" ");
}
