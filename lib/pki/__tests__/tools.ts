import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after } from "node:test";
import { type KeySpec, keySpec } from "@/lib/pki/key-types";

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

/** The interop matrix: every CA type signs every leaf type (RSA at 2048 bits, to stay fast). */
export const MATRIX_KEYS: KeySpec[] = [keySpec("ecdsa-p256"), keySpec("ecdsa-p384"), keySpec("rsa", 2048)];

/** An openssl CA's key: RSA 2048 (`genrsa`, the recipe), or EC on a curve (`genpkey`, PKCS#8). */
export type RecipeKey = "rsa" | "P-256" | "P-384" | "P-521";

/**
 * The classic recipe's CA, `openssl genrsa` + `openssl req -new -x509`, plus the keyUsage that
 * openssl's default config leaves out (null: leave it out, as the recipe does).
 */
export function opensslCa(
  dir: string,
  subj: string,
  extra: string[] = [],
  keyUsage: string | null = "critical,keyCertSign,cRLSign",
  key: RecipeKey = "rsa",
): { certPem: string; keyPem: string } {
  const ec = ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${key}`, "-out", "ca-key.pem"];
  mustOpenssl(key === "rsa" ? ["genrsa", "-out", "ca-key.pem", "2048"] : ec, dir);
  const usage = keyUsage ? ["-addext", `keyUsage=${keyUsage}`] : [];
  const recipe = ["req", "-new", "-x509", "-days", "365", "-key", "ca-key.pem", "-sha256", "-out", "ca.pem"];
  mustOpenssl([...recipe, "-subj", subj, ...usage, ...extra], dir);
  return { certPem: read(dir, "ca.pem"), keyPem: read(dir, "ca-key.pem") };
}

/** A DER element, built by hand for inputs no honest tool would write. */
export function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  if (body.length < 0x80) return Buffer.concat([Buffer.from([tag, body.length]), body]);
  const hex = body.length.toString(16);
  const length = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length]), length, body]);
}

const derInteger = (n: bigint) => {
  const hex = n.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  return der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};

/**
 * An RSA SubjectPublicKeyInfo with any modulus size and exponent: nothing about it is checked,
 * so it can carry what would freeze a pure-JS modPow (a 131,072-bit modulus, a 2^300000+1 exponent).
 */
export function rsaSpkiDer(modulusBits: number, exponent: bigint): Buffer {
  const modulus = (1n << BigInt(modulusBits - 1)) | 0xfffffn; // odd, exactly modulusBits long
  const rsaKey = der(0x30, derInteger(modulus), derInteger(exponent));
  const rsaEncryption = Buffer.from("300d06092a864886f70d0101010500", "hex");
  return der(0x30, rsaEncryption, der(0x03, Buffer.from([0]), rsaKey));
}

/** A PKCS#10 request around this SPKI, CN=hostile, "signed" with sha256WithRSA by bytes of garbage. */
export function hostileCsrPem(spki: Buffer): string {
  const subject = der(0x30, der(0x31, der(0x30, Buffer.from("0603550403", "hex"), der(0x0c, Buffer.from("hostile")))));
  const info = der(0x30, Buffer.from("020100", "hex"), subject, spki, Buffer.from("a000", "hex"));
  const sha256WithRsa = Buffer.from("300d06092a864886f70d01010b0500", "hex");
  const csr = der(0x30, info, sha256WithRsa, der(0x03, Buffer.from([0]), Buffer.alloc(256, 0x5a)));
  const lines = csr.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** A PKCS#1 private key PEM of any size whose numbers are nonsense: node:crypto reads it without checking. */
export function hostileRsaPrivateKeyPem(modulusBits: number): string {
  const modulus = (1n << BigInt(modulusBits - 1)) | 0xfffffn;
  const half = (1n << BigInt(modulusBits / 2 - 1)) | 1n;
  const numbers = [0n, modulus, 65537n, modulus - 5n, half, half + 2n, 7n, 9n, 11n];
  const key = der(0x30, ...numbers.map(derInteger));
  const lines = key.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN RSA PRIVATE KEY-----\n${lines.join("\n")}\n-----END RSA PRIVATE KEY-----\n`;
}
