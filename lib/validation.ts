import { isIPv6 } from "node:net";
import { z } from "zod";

// Field schemas shared by forms, the JSON API, the CLI and (as a second line of defence) the bundle
// renderers. Whatever passes here ends up in certificates, systemd units, JSON and shell lines.

/** Shows a user's value inside a message without letting a huge or multi-line value take it over. */
function shown(value: string): string {
  const flat = value.replace(/\p{Cc}/gu, " ");
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function dnsNameProblem(name: string): string | null {
  if (name === "") return "Enter a DNS name.";
  if (name.length > 253) return `${shown(name)} is longer than 253 characters, too long for a DNS name.`;
  const wildcard = name.startsWith("*.");
  const base = wildcard ? name.slice(2) : name;
  if (!/^[a-z0-9.-]+$/.test(base)) {
    return `${shown(name)} is not a valid DNS name: use letters, digits, '-' and '.' only (a wildcard only as a leading '*.'; international names in their xn-- form).`;
  }
  const labels = base.split(".");
  if (labels.some((l) => l === ""))
    return `${shown(name)} is not a valid DNS name: it has an empty label (two dots in a row, or a dot at the start or end).`;
  if (labels.some((l) => l.length > 63))
    return `${shown(name)} is not a valid DNS name: a label between dots is at most 63 characters.`;
  if (labels.some((l) => l.startsWith("-") || l.endsWith("-"))) {
    return `${shown(name)} is not a valid DNS name: a label cannot start or end with '-'.`;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) {
    return `${shown(name)} looks like an IP address, not a DNS name: enter it under IP addresses.`;
  }
  if (wildcard && labels.length < 2)
    return `${shown(name)} is too broad: a wildcard needs at least two labels after '*.'.`;
  return null;
}

/** RFC 1123 host name, optionally with one leading `*.`; trimmed and lower-cased. */
export const dnsNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((name, ctx) => {
    const problem = dnsNameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/** The compressed lower-case text form (RFC 5952), as the WHATWG URL parser writes it. */
function compressIPv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** IPv4 dotted quad (no leading zeros) or IPv6 (normalised, no zone id). */
export const ipAddressSchema = z
  .string()
  .trim()
  .transform((ip, ctx) => {
    const invalid = `${shown(ip)} is not a valid IPv4 or IPv6 address.`;
    if (ip === "") {
      ctx.addIssue({ code: "custom", message: "Enter an IP address." });
      return z.NEVER;
    }
    if (IPV4.test(ip)) {
      if (ip === "0.0.0.0")
        ctx.addIssue({ code: "custom", message: "0.0.0.0 means any address; enter the host's own address." });
      return ip;
    }
    if (ip.includes("%")) {
      ctx.addIssue({
        code: "custom",
        message: `${shown(ip)} has a zone id (%...), which cannot go in a certificate; leave it out.`,
      });
      return z.NEVER;
    }
    if (!ip.includes(":") || !isIPv6(ip)) {
      ctx.addIssue({ code: "custom", message: invalid });
      return z.NEVER;
    }
    const compressed = compressIPv6(ip);
    if (compressed === "::")
      ctx.addIssue({ code: "custom", message: ":: means any address; enter the host's own address." });
    if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(compressed)) {
      ctx.addIssue({ code: "custom", message: `${shown(ip)} is an IPv4-mapped address; enter it as plain IPv4.` });
    }
    return compressed;
  });

/** Host and client names: certificate CN, file names inside zips, `docker context create NAME`. */
export const objectNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(64, "A name is at most 64 characters.")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
    "Use letters, digits, '.', '_', '@' or '-', starting with a letter or digit.",
  );

/** Accepts a number or a string of digits (form fields arrive as text). */
function wholeNumber(label: string) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^\s*[0-9]{1,9}\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `Enter the ${label} as a whole number.` }).int(`Enter the ${label} as a whole number.`),
  );
}

export const portSchema = wholeNumber("port")
  .refine((p) => p >= 1 && p <= 65535, "A port is between 1 and 65535.")
  .refine((p) => p !== 2375, "Port 2375 is Docker's plaintext port and is never used here; the TLS port is 2376.");

export const DAYS_MAX = 36500;

export const daysSchema = wholeNumber("number of days").refine(
  (d) => d >= 1 && d <= DAYS_MAX,
  `Validity must be between 1 and ${DAYS_MAX} days (100 years).`,
);

/** Where certificates live on a Docker host; it is written unquoted into unit files and commands. */
export const sslDirSchema = z
  .string()
  .trim()
  .transform((dir) => (dir.length > 1 ? dir.replace(/\/+$/, "") : dir))
  .refine((dir) => dir.startsWith("/"), { message: "Enter an absolute path, such as /etc/docker/ssl.", abort: true })
  .refine((dir) => /^[A-Za-z0-9._/-]*$/.test(dir), {
    message: "Use only letters, digits, '.', '_', '-' and '/' in the path.",
    abort: true,
  })
  .refine((dir) => !dir.includes(".."), "The path cannot contain '..'.")
  .refine((dir) => dir !== "/" && !dir.includes("//"), "Enter a directory such as /etc/docker/ssl.")
  .refine((dir) => dir.length <= 200, "The path is at most 200 characters.");

export const configStyleSchema = z.enum(["systemd", "daemon-json"], "Choose systemd or daemon-json.");
export const tlsModeSchema = z.enum(["mtls", "tls-only"], "Choose mtls or tls-only.");
export const hostRoleSchema = z.enum(["standalone", "swarm-manager"], "Choose standalone or swarm-manager.");

/** Splits a textarea or a comma list ("a.example, b.example\nc.example") into trimmed, non-empty,
 * de-duplicated items. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter((item) => item !== ""))];
}

/** A list field that accepts either an array or textarea text, validates each item and drops
 * duplicates that only differ in case or notation (they are compared after normalisation). */
export function listSchema<T extends z.ZodType<string, string>>(item: T, max = 100) {
  return z
    .preprocess((v) => (typeof v === "string" ? splitList(v) : v), z.array(item).max(max, `At most ${max} entries.`))
    .transform((items) => [...new Set(items)]);
}

export const dnsNameListSchema = listSchema(dnsNameSchema);
export const ipAddressListSchema = listSchema(ipAddressSchema);
