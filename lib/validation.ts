import { isIPv6 } from "node:net";
import { z } from "zod";
import { KEY_TYPES, RSA_SIZES } from "@/lib/pki/key-types";

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

// A certificate directory is where install.sh writes a private key as root and what dockerd trusts,
// so it must be a folder of its own that only root can change and that is there when Docker starts.
// /etc/docker itself is allowed: root's, kept across boots, and nothing of Docker's in it is named
// ca.pem, cert.pem or key.pem (registry certificates live in certs.d/).
const FORBIDDEN_TREES: [string, string][] = [
  ["/proc", "provided by the kernel"],
  ["/sys", "provided by the kernel"],
  ["/dev", "provided by the kernel"],
  ["/run", "emptied at every boot"],
  ["/var/run", "emptied at every boot"],
  ["/var/lock", "emptied at every boot"],
  ["/tmp", "world-writable: anyone on the host could replace the certificates"],
  ["/var/tmp", "world-writable: anyone on the host could replace the certificates"],
  ["/mnt", "for disks that may not be mounted yet when Docker starts"],
  ["/media", "for disks that may not be mounted yet when Docker starts"],
  ["/home", "for home directories, whose owners could replace the certificates"],
  ["/boot", "where the boot loader and kernels live"],
  ...["/bin", "/sbin"].map((d): [string, string] => [d, "where the distribution's programs live"]),
  ...["/lib", "/lib32", "/lib64", "/libx32"].map((d): [string, string] => [
    d,
    "where the distribution's libraries live",
  ]),
  ["/etc/systemd", "systemd's configuration"],
  ["/etc/ssl/certs", "the system's trust store: every program would trust a ca.pem there"],
  ["/etc/pki/ca-trust", "the system's trust store: every program would trust a ca.pem there"],
];
/** The system's own directories; `*` is one folder name. A folder of its own inside them is fine. */
const SYSTEM_DIRS = [
  ...["/etc", "/etc/ssl", "/etc/ssl/private", "/etc/pki", "/etc/pki/tls", "/etc/pki/tls/certs", "/etc/pki/tls/private"],
  ...["/opt", "/root", "/srv", "/var", "/var/*", "/usr/local", "/usr/local/*"],
].map((d) => new RegExp(`^${d.replace("*", "[^/]+")}$`));

function under(dir: string, top: string): boolean {
  return dir === top || dir.startsWith(`${top}/`);
}

function sslDirProblem(dir: string): string | null {
  const tree = FORBIDDEN_TREES.find(([top]) => under(dir, top));
  if (tree) return `${dir} is ${tree[0] === dir ? "" : `under ${tree[0]}, which is `}${tree[1]}.`;
  // /usr belongs to the distribution's packages, except /usr/local, which is the admin's
  if (under(dir, "/usr") && !under(dir, "/usr/local")) {
    return `${dir} is ${dir === "/usr" ? "" : "under /usr, which is "}where the distribution's packages live.`;
  }
  if (SYSTEM_DIRS.some((d) => d.test(dir))) {
    return `${dir} is a system directory: the certificates would sit among the system's own files.`;
  }
  return null;
}

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
  .refine((dir) => !dir.includes(".."), { message: "The path cannot contain '..'.", abort: true })
  .refine((dir) => !dir.split("/").includes("."), {
    message: "The path cannot have '.' as a folder name.",
    abort: true,
  })
  .refine((dir) => dir !== "/" && !dir.includes("//"), {
    message: "Enter a directory such as /etc/docker/ssl.",
    abort: true,
  })
  .refine((dir) => dir.length <= 200, { message: "The path is at most 200 characters.", abort: true })
  .superRefine((dir, ctx) => {
    const problem = sslDirProblem(dir);
    if (problem)
      ctx.addIssue({ code: "custom", message: `${problem} Choose a folder of its own, such as /etc/docker/ssl.` });
  });

/**
 * The dashboard's address as hosts see it, baked into agents and enrollment commands: http(s), no
 * credentials, query or fragment, and only characters that are safe inside a shell word and a URL.
 */
export const publicUrlSchema = z
  .string()
  .trim()
  .max(200, "At most 200 characters.")
  .transform((url) => url.replace(/\/+$/, ""))
  .refine((url) => /^https?:\/\/[A-Za-z0-9.:[\]_-]+(\/[A-Za-z0-9._~/-]*)?$/i.test(url), {
    message: "Enter the address hosts use to reach this dashboard, such as https://dockpki.example.com.",
    abort: true,
  })
  .refine(
    (url) => {
      try {
        const u = new URL(url);
        return u.hostname !== "" && !u.username && !u.password;
      } catch {
        return false;
      }
    },
    {
      message: "Enter the address hosts use to reach this dashboard, such as https://dockpki.example.com.",
      abort: true,
    },
  )
  // As URL parsing writes it (host in lower case, no default port), which is how agents print it.
  .transform((url) => {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "")}`;
  });

/** When a host's agent may restart dockerd: "02:00-04:00" daily, or on some days ("Mon,Thu 02:00-04:00"). */
export const renewWindowSchema = z
  .string()
  .trim()
  .regex(
    /^((Mon|Tue|Wed|Thu|Fri|Sat|Sun)(,(Mon|Tue|Wed|Thu|Fri|Sat|Sun))* )?([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/,
    "Enter a window such as 02:00-04:00, or Mon,Thu 02:00-04:00 (24-hour times, server's local time on the host).",
  )
  .refine((w) => w.slice(-11, -6) !== w.slice(-5), "The window must end at another time than it starts.");

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

/** A key type: "" (a form's "the default") is null, meaning the settings' choice. */
export const keyTypeSchema = z.preprocess(
  (v) => (v === "" ? null : v),
  z.enum(KEY_TYPES, `Choose a key type: ${KEY_TYPES.join(", ")}.`).nullable(),
);

/** An RSA key size. */
export const rsaKeySizeSchema = z.coerce
  .number("Choose 2048, 3072 or 4096 bits.")
  .refine((n) => (RSA_SIZES as readonly number[]).includes(n), "Choose 2048, 3072 or 4096 bits.")
  .transform((n) => n as (typeof RSA_SIZES)[number]);

/** keyType and keySize of a request: a size is for RSA keys only. */
export const keyChoiceFields = {
  keyType: keyTypeSchema.optional(),
  keySize: z.preprocess((v) => (v === "" ? undefined : v), rsaKeySizeSchema.optional()),
};
export const KEY_SIZE_IS_FOR_RSA = {
  check: (v: { keyType?: string | null; keySize?: number }) => !(v.keySize && v.keyType && v.keyType !== "rsa"),
  message: "A key size is for RSA keys; an ECDSA key has its curve's size.",
};
