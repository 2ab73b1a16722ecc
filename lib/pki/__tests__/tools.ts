import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after } from "node:test";

const dirs: string[] = [];
// registered at import, on the file's root: an after() called inside a before() hook runs too early
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp dir removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-pki-"));
  dirs.push(dir);
  return dir;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the openssl CLI in `cwd`; never throws, so tests can assert on failures too. */
export function openssl(args: string[], cwd: string, input?: string): Run {
  const r = spawnSync("openssl", args, { cwd, input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like openssl(), but a failure is an exception that shows openssl's own words. */
export function mustOpenssl(args: string[], cwd: string): string {
  const r = openssl(args, cwd);
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

export const read = (dir: string, name: string) => readFileSync(path.join(dir, name), "utf8");

/**
 * The classic recipe's CA, `openssl genrsa` + `openssl req -new -x509`, plus the keyUsage that
 * openssl's default config leaves out (null: leave it out, as the recipe does).
 */
export function opensslCa(
  dir: string,
  subj: string,
  extra: string[] = [],
  keyUsage: string | null = "critical,keyCertSign,cRLSign",
): { certPem: string; keyPem: string } {
  mustOpenssl(["genrsa", "-out", "ca-key.pem", "2048"], dir);
  const usage = keyUsage ? ["-addext", `keyUsage=${keyUsage}`] : [];
  const recipe = ["req", "-new", "-x509", "-days", "365", "-key", "ca-key.pem", "-sha256", "-out", "ca.pem"];
  mustOpenssl([...recipe, "-subj", subj, ...usage, ...extra], dir);
  return { certPem: read(dir, "ca.pem"), keyPem: read(dir, "ca-key.pem") };
}
