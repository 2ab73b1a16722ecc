import { renderClientEnrollScript, renderHostEnrollScript } from "@/lib/bundles/enroll-sh";
import { describeError } from "@/lib/errors";
import { getClient } from "@/lib/inventory/clients";
import { getHost, listAllHosts } from "@/lib/inventory/hosts";
import { chooseKeySpec, type KeyChoice } from "@/lib/pki/key-types";
import { agentSettingsFor } from "@/lib/renewal/agent-settings";
import { findEnrollment } from "@/lib/renewal/enrollment";
import { getSettings } from "@/lib/settings";
import type { Settings } from "@/lib/settings.schema";

const SCRIPT_HEADERS = { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-store" };

/** The key the installer makes: the host's or client's key type, else the settings'. */
const keyFor = (holder: KeyChoice, settings: Settings) =>
  chooseKeySpec({ keyType: holder.keyType }, { keyType: settings.leafKeyType, keySize: settings.leafKeySize });

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
        key: keyFor(host, settings),
      });
      return new Response(script, { headers: SCRIPT_HEADERS });
    }
    const client = await getClient(holder.id);
    const { agent, agentMissing } = agentSettingsFor(settings, { kind: "client", renewalEnabled: true });
    if (!agent) throw new Error(agentMissing);
    const hosts = await listAllHosts();
    const key = keyFor(client, settings);
    const script = renderClientEnrollScript({ client, hosts, agent, token, key });
    return new Response(script, { headers: SCRIPT_HEADERS });
  } catch (err) {
    const report = describeError(err);
    if (report.status === 500) console.error("enrollment installer failed", err);
    const line = `dockpki: ${report.message}`.replace(/'/g, "'\\''");
    return new Response(`#!/bin/sh\necho '${line}' >&2\nexit 1\n`, { status: report.status, headers: SCRIPT_HEADERS });
  }
}
