import "server-only";
import { z } from "zod";
import { shellQuote } from "@/lib/bundles/quote";
import { parseRenewWindow } from "@/lib/bundles/renew-units";
import { InputError } from "@/lib/errors";

/** What a bundle's renewal agent needs to know about the dashboard (from the settings). */
export interface AgentSettings {
  /** http(s)://host[:port][/path], no trailing slash. */
  dashboardUrl: string;
  /** The CA that signed the dashboard's TLS certificate when it is private: curl --cacert. */
  dashboardCaPem: string | null;
  /** Renew when less than this % of the certificate's lifetime is left (1..90). */
  renewAtRemainingPercent: number;
  /** Hosts only: null = daily at a random time, or "HH:MM-HH:MM", optionally after weekdays. */
  renewWindow: string | null;
}

// Only what a URL needs, so that the address is a plain word in sh, curl and README.txt.
const URL_CHARS = /^https?:\/\/[A-Za-z0-9._~:/[\]-]+$/;
const PEM_CERTIFICATES = /^(-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n*)+$/;

/** The dashboard's address as the agent writes it: refused unless URL parsing gives it back as is. */
function isDashboardUrl(value: string): boolean {
  if (value.length > 500 || !URL_CHARS.test(value) || value.endsWith("/")) return false;
  try {
    const url = new URL(value);
    const path = url.pathname === "/" ? "" : url.pathname;
    return !url.username && !url.password && `${url.protocol}//${url.host}${path}` === value;
  } catch {
    return false;
  }
}

const agentSettingsSchema = z.object({
  dashboardUrl: z
    .string()
    .refine(
      isDashboardUrl,
      "The dashboard's public URL must read http(s)://host[:port][/path] (at most 500 characters, host in lower case), without a trailing slash, user, query or fragment.",
    ),
  dashboardCaPem: z
    .string()
    .transform((pem) => `${pem.replace(/\r\n/g, "\n").trim()}\n`)
    .refine((pem) => PEM_CERTIFICATES.test(pem), "The dashboard's CA must be PEM certificates.")
    .nullable(),
  renewAtRemainingPercent: z.number().int().min(1).max(90),
  renewWindow: z
    .string()
    .nullable()
    .superRefine((window, ctx) => {
      if (window === null) return;
      try {
        parseRenewWindow(window);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
      }
    }),
});

/** The settings, re-validated before any of them is written into a script. */
export function checkAgentSettings(agent: AgentSettings): AgentSettings {
  const result = agentSettingsSchema.safeParse(agent);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join(" ");
  throw new InputError(`Cannot write the renewal agent: its settings are not valid. ${problems}`);
}

/** The dashboard's address (DOCKPKI_URL overrides it) and CA, as the first lines of a script. */
export function dashboardVariables(agent: AgentSettings): string {
  const a = checkAgentSettings(agent);
  return `DASHBOARD_URL=${shellQuote(a.dashboardUrl)}
[ -z "\${DOCKPKI_URL:-}" ] || DASHBOARD_URL=\${DOCKPKI_URL%/}
DASHBOARD_CA=${a.dashboardCaPem ? shellQuote(a.dashboardCaPem.trim()) : "''"}`;
}
