import { adminCommand } from "@/lib/cli/admin";
import { backupCommand, restoreCommand } from "@/lib/cli/backup";
import { caCommand } from "@/lib/cli/ca";
import { UsageError } from "@/lib/cli/io";
import { issueCommand } from "@/lib/cli/issue";
import { tokenCommand } from "@/lib/cli/token";
import { describeError } from "@/lib/errors";
import { prepareServer } from "@/lib/startup";

const HELP = `dockpki <command>

  admin create --username U --password-stdin     add an admin
  admin reset-password --username U --password-stdin
  token create --name N                          create an API token (printed once)
  token revoke --name N | --id ID                revoke API tokens
  token list
  ca create --cn NAME [--o ORG] [--ou UNIT] [--key-size N] [--days N]
                                                 create the first CA (default RSA 4096, 3650 days)
  issue host NAME [--days N] [--out FILE.zip]    issue a server certificate; --out also writes the bundle
  issue client NAME [--days N] [--csr FILE] [--out FILE.zip]
  backup FILE [--without-key] [--force]          database snapshot + master key in one zip (mode 0600)
  restore FILE [--force]                         stop the dashboard first; --force replaces a database

Environment: DOCKPKI_DATA_DIR (default ./data), DOCKPKI_MASTER_KEY.`;

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  admin: adminCommand,
  token: tokenCommand,
  ca: caCommand,
  issue: issueCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

// Restore replaces the database file: nothing may migrate or open it first.
const UNPREPARED = new Set(["restore"]);

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.log(HELP);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  if (!UNPREPARED.has(name as string)) await prepareServer();
  try {
    await command(args);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
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
