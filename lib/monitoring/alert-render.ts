import { formatDateTime } from "@/lib/dates";
import { type Alert, sortAlerts } from "@/lib/monitoring/alert";
import type { SendContext } from "@/lib/monitoring/alert-send";

// What each kind of channel receives: a webhook's JSON (a documented contract), a Slack-style
// text, an email's subject, text and HTML.

export const WEBHOOK_VERSION = 1;

export function renderWebhookBody(alerts: Alert[], ctx: SendContext): string {
  const sorted = sortAlerts(alerts);
  const { event, severity, summary, certificate, host, client, threshold, detail } = sorted[0];
  // The documented contract: the top level repeats the first (most urgent) alert, so a receiver that
  // handles one alert reads body.certificate.serial; one that handles them all reads body.alerts,
  // which lists every alert, the first included.
  return JSON.stringify({
    version: WEBHOOK_VERSION,
    source: "dockpki",
    sentAt: ctx.sentAt.toISOString(),
    dashboardUrl: ctx.dashboardUrl,
    count: sorted.length,
    ...{ event, severity, summary, certificate, host, client, threshold, detail },
    alerts: sorted,
  });
}

export function renderSlackBody(alerts: Alert[], ctx: SendContext): string {
  const sorted = sortAlerts(alerts);
  const lines = [headline(sorted), ...sorted.map((a) => `• ${oneLine(a.summary)}`)];
  if (ctx.dashboardUrl) lines.push(ctx.dashboardUrl);
  // Slack reads &, < and > as markup (links, mentions) unless escaped like this.
  const text = lines.join("\n").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return JSON.stringify({ text });
}

export function renderEmail(alerts: Alert[], ctx: SendContext): { subject: string; text: string; html: string } {
  const sorted = sortAlerts(alerts);
  const rows = sorted.map(facts);
  const single = sorted.length === 1 ? `dockpki: ${oneLine(sorted[0].summary)}` : null;
  const subject = single && single.length > 150 ? `${single.slice(0, 149)}…` : (single ?? headline(sorted));
  const footer = `Sent by the alert channel "${ctx.channelName}" of dockpki at ${formatDateTime(ctx.sentAt)}.`;
  const text = [
    headline(sorted),
    "",
    ...rows.flatMap((r) => [r.summary, ...(r.line ? [`  ${r.line}`] : []), ""]),
    ...(ctx.dashboardUrl ? [ctx.dashboardUrl, ""] : []),
    footer,
  ].join("\n");
  const cell = (v: string) => `<td style="padding:4px 8px;border:1px solid #ccc">${escapeHtml(v)}</td>`;
  const heads = ["Holder", "Kind", "Serial", "Not after", "Days left", "Summary"];
  const html = [
    `<!doctype html><html><body style="font-family:sans-serif">`,
    `<p><strong>${escapeHtml(headline(sorted))}</strong></p>`,
    `<table style="border-collapse:collapse"><tr>${heads.map((h) => `<th style="padding:4px 8px;border:1px solid #ccc;text-align:left">${h}</th>`).join("")}</tr>`,
    ...rows.map(
      (r) => `<tr>${[r.holder, r.kind, r.serial, r.notAfter, r.daysLeft, r.summary].map(cell).join("")}</tr>`,
    ),
    "</table>",
    ctx.dashboardUrl ? `<p><a href="${escapeHtml(ctx.dashboardUrl)}">${escapeHtml(ctx.dashboardUrl)}</a></p>` : "",
    `<p style="color:#666">${escapeHtml(footer)}</p></body></html>`,
  ].join("\n");
  return { subject, text, html };
}

function headline(sorted: Alert[]): string {
  const critical = sorted.filter((a) => a.severity === "critical").length;
  return `dockpki: ${sorted.length} alert${sorted.length === 1 ? "" : "s"}${critical ? ` (${critical} critical)` : ""}`;
}

/** One alert's facts as the email shows them, "—" where an alert has none (a rotation has no holder). */
function facts(a: Alert) {
  const c = a.certificate;
  const holder = c?.holder ?? a.host?.name ?? a.client?.name;
  const kind = c?.kind ?? (a.host ? "server" : a.client ? "client" : undefined);
  const daysLeft = !c
    ? "—"
    : a.event === "certificate.expired"
      ? "expired"
      : `${c.daysLeft} day${c.daysLeft === 1 ? "" : "s"} left`;
  const notAfter = c ? formatDateTime(c.notAfter) : "—";
  const who = holder ? `${holder} (${kind})` : null;
  const line = c ? `${who}, serial ${c.serial}, not after ${notAfter}, ${daysLeft}` : who;
  return {
    summary: oneLine(a.summary),
    holder: holder ?? "—",
    kind: kind ?? "—",
    serial: c?.serial ?? "—",
    notAfter,
    daysLeft,
    line,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function oneLine(s: string): string {
  return s.replace(/[\p{Cc}\s]+/gu, " ").trim();
}
