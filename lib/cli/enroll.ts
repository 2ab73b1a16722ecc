import { parseArgs } from "node:util";
import { UsageError } from "@/lib/cli/io";
import { findHolder } from "@/lib/cli/issue";
import { createEnrollment } from "@/lib/renewal/enrollment";

const USAGE = "usage: dockpki enroll host NAME | dockpki enroll client NAME";

/** Prints the one-line enrollment command for a host or client, for configuration management to run. */
export async function enrollCommand(args: string[]): Promise<void> {
  const [kind, ...rest] = args;
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  if ((kind !== "host" && kind !== "client") || positionals.length !== 1) throw new UsageError(USAGE);
  const id = await findHolder(kind, positionals[0]);
  const { command, expiresAt, warning } = await createEnrollment({ kind: "cli" }, { kind, id });
  if (warning) console.error(`warning: ${warning}`);
  // The command (it holds the one-time token) alone on stdout, so scripts can capture it.
  console.error(
    `Works once, until ${expiresAt.toISOString()}. Run it on ${positionals[0]}${kind === "host" ? " as root" : ""}:`,
  );
  console.log(command);
}
