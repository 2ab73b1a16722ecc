import { UsageError } from "@/lib/cli/io";
import { describeError, StartupError } from "@/lib/errors";

const HELP = `dockpki <command>

  admin create --username U [--role R] --password-stdin
                                                 add an account; R: admin (default), operator, auditor
  admin reset-password --username U --password-stdin
  admin set-role --username U --role R           change an account's role
  admin list
  token create --name N [--role R | --scope S] [--expires 30d]
                                                 create an API token (printed once); R: admin (default),
                                                 operator, auditor; S: read, issue, metrics (/metrics only)
  token revoke --name N | --id ID                revoke one API token
  token list
  ca create --cn NAME [--o ORG] [--ou UNIT] [--key-type T] [--key-size N] [--days N]
                                                 create the first CA (default ECDSA P-256, 3650 days;
                                                 T: ecdsa-p256|ecdsa-p384|rsa, N: RSA bits, default 4096)
  ca rotate --cn NAME [...the same options]      create the successor of the active CA
  ca retire [--id ID]                            retire the previous CA once nothing depends on it
  ca intermediate request --cn NAME [--key-type T] [--key-size N] [--days N] [--out FILE.csr]
                                                 an issuing CA's key (kept here) and CSR for an offline root
  ca intermediate activate --cert FILE --root FILE
                                                 activate it with what the root signed (first CA or rotation)
  issue host NAME [--days N] [--key-type T [--key-size N]] [--out FILE.zip]
                                                 issue a server certificate; --out also writes the bundle
        [--p12 FILE.p12 [--passphrase-stdin]]    also a .p12 (key, certificate, CA); a passphrase is made and printed once
  issue client NAME [--days N] [--key-type T [--key-size N] | --csr FILE] [--out FILE.zip] [--p12 FILE.p12 [--passphrase-stdin]]
  enroll host NAME | enroll client NAME          print a one-time enrollment command (stdout only)
  probe HOST                                     what the host's daemon serves now; exit 1 unless current
  alerts run                                     the alert check now; exit 1 when a channel failed
  backup FILE [--without-key] [--force]          database snapshot + master key in one zip (mode 0600),
                                                 the same on SQLite and PostgreSQL
  restore FILE [--force]                         stop every dockpki instance first; --force replaces
                                                 the database's data

Environment: DOCKPKI_DATA_DIR (default ./data), DATABASE_URL (postgresql://...),
DOCKPKI_MASTER_KEY or DOCKPKI_MASTER_KEY_FILE.`;

/** A command's exit status when it has one to say (probe, alerts); otherwise 0 once it returns. */
type Command = (args: string[]) => Promise<unknown>;

// Loaded on demand: `dockpki help` should not pay for Prisma, forge and archiver.
const COMMANDS: Record<string, () => Promise<Command>> = {
  admin: async () => (await import("@/lib/cli/admin")).adminCommand,
  token: async () => (await import("@/lib/cli/token")).tokenCommand,
  ca: async () => (await import("@/lib/cli/ca")).caCommand,
  issue: async () => (await import("@/lib/cli/issue")).issueCommand,
  enroll: async () => (await import("@/lib/cli/enroll")).enrollCommand,
  backup: async () => (await import("@/lib/cli/backup")).backupCommand,
  restore: async () => (await import("@/lib/cli/restore")).restoreCommand,
  probe: async () => (await import("@/lib/cli/monitor")).probeCommand,
  alerts: async () => (await import("@/lib/cli/monitor")).alertsCommand,
};

/** parseArgs refuses unknown or malformed flags with these codes: a usage problem, not a crash. */
function isArgumentError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? "";
  return code.startsWith("ERR_PARSE_ARGS_");
}

// Restore replaces the database (the SQLite file, or every row on PostgreSQL) after checks of its own: start-up
// must not open it first.
const UNPREPARED = new Set(["restore"]);

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || !Object.hasOwn(COMMANDS, name)) {
    console.log(HELP);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  const command = await COMMANDS[name]();
  try {
    // A backup without the key must still be possible when the key is lost.
    if (!UNPREPARED.has(name)) await (await import("@/lib/startup")).prepareServer({ keyOptional: name === "backup" });
    const status = await command(args);
    return typeof status === "number" ? status : 0;
  } catch (err) {
    if (err instanceof StartupError) return 1; // prepareServer has said why
    if (err instanceof UsageError || isArgumentError(err)) {
      console.error((err as Error).message);
      return 2;
    }
    const report = describeError(err);
    console.error(report.status === 500 ? err : `error: ${report.message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
