// Shared by the lib/bundles tests only.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BundleHost } from "@/lib/bundles/bundle-input";

export function sampleHost(overrides: Partial<BundleHost> = {}): BundleHost {
  return {
    name: "docker1",
    dnsNames: ["docker1.example.com"],
    ipAddresses: ["10.0.0.5"],
    port: 2376,
    configStyle: "systemd",
    keepUnixSocket: true,
    tlsMode: "mtls",
    role: "standalone",
    ...overrides,
  };
}

export const HOSTILE = [
  'x"; rm -rf /',
  "a\nExecStart=/bin/sh",
  "a\r\nExecStartPre=/bin/sh",
  "$(id)",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, on purpose
  "${HOME}",
  "`id`",
  "%n",
  "a;b",
  "a,ca=/tmp/evil.pem",
  "a'b",
  "a\\b",
  "düsseldorf",
  "\u202etxt.exe",
  "x".repeat(5000),
];

/** Every way a hostile string can reach a host, one field at a time. */
export function hostileHosts(): BundleHost[] {
  const hosts: BundleHost[] = [];
  for (const bad of HOSTILE) {
    hosts.push(sampleHost({ name: bad }));
    hosts.push(sampleHost({ dnsNames: [bad] }));
    hosts.push(sampleHost({ dnsNames: [`${bad}.example.com`] }));
    hosts.push(sampleHost({ ipAddresses: [bad] }));
    hosts.push(sampleHost({ port: bad as unknown as number }));
  }
  hosts.push(sampleHost({ dnsNames: ["*.example.com"], ipAddresses: [] }));
  return hosts;
}

/**
 * A small reading of a systemd unit: sections, key=value lines (comments and continuations as
 * systemd treats them), and ExecStart= split into words with systemd's quoting, escapes and
 * %%/$$ un-doubling. Enough to show what systemd would see.
 */
export function parseUnit(text: string): { section: string; key: string; value: string }[] {
  const out: { section: string; key: string; value: string }[] = [];
  let section = "";
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      section = line;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`not a key=value line: ${line}`);
    out.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return out;
}

export function systemdWords(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === " " || value[i] === "\t") i++;
    if (i >= value.length) break;
    let word = "";
    let quote = "";
    for (; i < value.length; i++) {
      const c = value[i];
      if (!quote && (c === " " || c === "\t")) break;
      if (!quote && (c === '"' || c === "'")) quote = c;
      else if (quote && c === quote) quote = "";
      else if (c === "\\") word += value[++i];
      else if ((c === "%" || c === "$") && value[i + 1] === c) word += value[++i];
      else if (c === "%" || c === "$") throw new Error(`unescaped ${c} in ${value}`);
      else word += c;
    }
    if (quote) throw new Error(`unterminated quote in ${value}`);
    words.push(word);
  }
  return words;
}

/** Parses with the given shell without running anything (`sh -n`). */
export function shellSyntaxOk(shell: string, script: string): void {
  const dir = mkdtempSync(join(tmpdir(), "dockpki-sh-"));
  writeFileSync(join(dir, "script.sh"), script);
  // stdin from /dev/null: Debian's bash reads ~/.bashrc when stdin is a socket, as node's pipes are
  execFileSync(shell, ["-n", join(dir, "script.sh")], { stdio: ["ignore", "pipe", "pipe"] });
}
