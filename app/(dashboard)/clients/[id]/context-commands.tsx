import { CommandLine } from "@/app/_components/command-line";
import { renderClientContextCommands } from "@/lib/bundles/install-commands";
import type { Host } from "@/lib/inventory/hosts";

/** The hosts named here at most: past that the bundle's README.txt has the rest. */
export const MAX_CONTEXT_COMMANDS = 10;

/** After issuing: a docker context per host, made from the unzipped client bundle's folder. */
export function ContextCommands({ client, hosts, total }: { client: { name: string }; hosts: Host[]; total: number }) {
  if (hosts.length === 0) return null;
  const { unzip, contexts } = renderClientContextCommands(client, hosts);
  return (
    <div className="stack" data-testid="context-commands" style={{ margin: "12px 0 16px" }}>
      <h3 style={{ margin: 0 }}>Use {client.name} with docker</h3>
      <p className="muted" style={{ margin: 0 }}>
        Unzip the bundle and step into its folder, then make a docker context for each host (the CLI copies the
        certificates into the context, so the folder may move afterwards):
      </p>
      <CommandLine command={unzip} />
      {contexts.map((c) => (
        <CommandLine key={c.host} command={c.command} label={`Copy for ${c.host}`} />
      ))}
      {total > hosts.length ? (
        <p className="muted" style={{ margin: 0 }}>
          {total - hosts.length} more host{total - hosts.length === 1 ? "" : "s"}: the bundle's README.txt has the
          command for each host its env files name.
        </p>
      ) : null}
    </div>
  );
}
