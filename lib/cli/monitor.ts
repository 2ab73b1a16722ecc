import { parseArgs } from "node:util";
import { UsageError } from "@/lib/cli/io";
import { findHolder } from "@/lib/cli/issue";
import { runAlerts } from "@/lib/monitoring/alert-deliver";
import { probeHost } from "@/lib/monitoring/host-probe";

/** `dockpki probe HOST`: what the host's daemon serves now, one line per address; exit 1 unless current. */
export async function probeCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError("usage: dockpki probe HOST");
  const probe = await probeHost(await findHolder("host", positionals[0]), "manual", { kind: "cli" });
  for (const e of probe.endpoints) {
    const where = `${e.address.includes(":") ? `[${e.address}]` : e.address}:${e.port}`;
    const docker = e.dockerVersion ? ` docker ${e.dockerVersion} (API ${e.apiVersion})` : "";
    console.log(e.ok ? `${where} ok serial ${e.servedSerial} ${e.tlsVersion}${docker}` : `${where} ${e.error}`);
  }
  console.log(`${probe.status}: ${probe.summary}`);
  return probe.status === "current" ? 0 : 1;
}

/** `dockpki alerts run`: the alert check now, as the dashboard's scheduler runs it; exit 1 when a channel failed. */
export async function alertsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  parseArgs({ args: rest, allowPositionals: false, options: {} });
  if (sub !== "run") throw new UsageError("usage: dockpki alerts run");
  const run = await runAlerts();
  for (const a of run.recorded) console.log(`new: ${a.event}: ${a.summary}`);
  for (const d of run.deliveries) {
    console.log(`${d.channel} (${d.type}): ${d.count} alert(s) ${d.ok ? `sent, ${d.detail}` : `not sent: ${d.error}`}`);
  }
  if (run.recorded.length === 0 && run.deliveries.length === 0) console.log("nothing new to send");
  return run.deliveries.every((d) => d.ok) ? 0 : 1;
}
