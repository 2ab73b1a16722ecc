import "server-only";
import type { AgentSettings } from "@/lib/bundles/agent-config";
import type { Settings } from "@/lib/settings.schema";

/**
 * What a bundle's agent is built with, or why the bundle has none: the dashboard's public URL is
 * not set (agents would not know where to renew), or renewal is off for this holder.
 */
export function agentSettingsFor(
  settings: Settings,
  holder: { kind: "host" | "client"; renewalEnabled: boolean; renewWindow?: string | null },
): { agent: AgentSettings | null; agentMissing?: string } {
  if (!settings.publicUrl) {
    return {
      agent: null,
      agentMissing:
        "This bundle has no renewal agent because the dashboard's public URL is not set (Settings): renew it by downloading a new bundle before it expires.",
    };
  }
  if (!holder.renewalEnabled) {
    return {
      agent: null,
      agentMissing: `This bundle has no renewal agent because renewal is switched off for this ${holder.kind} on the dashboard: renew it by downloading a new bundle before it expires.`,
    };
  }
  return {
    agent: {
      dashboardUrl: settings.publicUrl,
      dashboardCaPem: settings.publicUrlCaPem,
      renewAtRemainingPercent: settings.renewAtRemainingPercent,
      renewWindow: holder.kind === "host" ? (holder.renewWindow ?? null) : null,
    },
  };
}
