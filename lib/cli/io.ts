import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ConflictError } from "@/lib/errors";

/** Reads all of standard input (for --password-stdin), without the final newline. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error("Pipe the value in, e.g.: printf '%s' \"$PASSWORD\" | dockpki ...");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** A path the user typed, relative to where they typed the command. */
export function userPath(p: string): string {
  return path.resolve(process.env.DOCKPKI_CLI_CWD || process.cwd(), p);
}

export class UsageError extends Error {}

export function refuseExisting(file: string, force: boolean | undefined): void {
  if (!force && existsSync(file))
    throw new ConflictError(`${file} already exists. Choose another name, or add --force to replace it.`);
}

/** Writes a file only its owner can read, via a temporary file, so a reader never sees half of it. */
export async function writePrivateFile(file: string, content: Buffer | NodeJS.ReadableStream): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    await pipeline(source, createWriteStream(temp, { mode: 0o600, flags: "wx" }));
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
