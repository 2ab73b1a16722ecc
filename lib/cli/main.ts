import { adminCommand } from "@/lib/cli/admin";
import { UsageError } from "@/lib/cli/io";
import { tokenCommand } from "@/lib/cli/token";
import { describeError } from "@/lib/errors";
import { prepareServer } from "@/lib/startup";

const HELP = `dockpki <command>

  admin create --username U --password-stdin     add an admin
  admin reset-password --username U --password-stdin
  token create --name N                          create an API token (printed once)
  token revoke --name N | --id ID                revoke API tokens
  token list

Environment: DOCKPKI_DATA_DIR (default ./data), DOCKPKI_MASTER_KEY.`;

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  admin: adminCommand,
  token: tokenCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.log(HELP);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  await prepareServer();
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
