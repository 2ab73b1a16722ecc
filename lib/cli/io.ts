import path from "node:path";

/** Reads all of standard input (for --password-stdin), without the final newline. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error("Pipe the value in, e.g.: printf '%s' \"$PASSWORD\" | dockpki ...");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** A path the user typed, relative to where they typed the command. */
export function userPath(p: string): string {
  return path.resolve(process.env.DOCKPKI_CLI_CWD || process.cwd(), p);
}

export class UsageError extends Error {}
