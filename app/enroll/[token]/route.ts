import { renderClientEnrollScript, renderHostEnrollScript } from "@/lib/bundles/enroll-sh";
import { db } from "@/lib/db";
import { describeError } from "@/lib/errors";
import { getHost, listAllHosts } from "@/lib/hosts";
import { agentSettingsFor } from "@/lib/renewal/agent-settings";
import { findEnrollment } from "@/lib/renewal/enrollment";
import { getSettings } from "@/lib/settings";

const SCRIPT_HEADERS = { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-store" };

/**
 * The installer behind the one-line enrollment command (curl -fsSL URL | sudo sh). The token in
 * the path is its only credential; the installer makes the key on the machine and spends the token
 * with POST /api/v1/enroll. Refusals are a script too, so `| sh` prints the reason and fails.
 */
export async function GET(_request: Request, context: { params: Promise<{ token: string }> }) {
  const { token } = await context.params;
  try {
    const holder = await findEnrollment(token);
    const settings = await getSettings();
    if (holder.kind === "host") {
      const host = await getHost(holder.id);
      const { agent, agentMissing } = agentSettingsFor(settings, { kind: "host", ...host, renewalEnabled: true });
      if (!agent) throw new Error(agentMissing);
      const script = renderHostEnrollScript({
        host,
        sslDir: settings.sslDir,
        agent,
        token,
        keySize: settings.leafKeySize,
      });
      return new Response(script, { headers: SCRIPT_HEADERS });
    }
    const client = await db.client.findUniqueOrThrow({ where: { id: holder.id }, select: { name: true } });
    const { agent, agentMissing } = agentSettingsFor(settings, { kind: "client", renewalEnabled: true });
    if (!agent) throw new Error(agentMissing);
    const hosts = await listAllHosts();
    const script = renderClientEnrollScript({ client, hosts, agent, token, keySize: settings.leafKeySize });
    return new Response(script, { headers: SCRIPT_HEADERS });
  } catch (err) {
    const report = describeError(err);
    if (report.status === 500) console.error("enrollment installer failed", err);
    const line = `dockpki: ${report.message}`.replace(/'/g, "'\\''");
    return new Response(`#!/bin/sh\necho '${line}' >&2\nexit 1\n`, { status: report.status, headers: SCRIPT_HEADERS });
  }
}
