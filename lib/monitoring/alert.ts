/** What an alert is about. The dedupe key of each is described in lib/monitoring/alert-check.ts. */
export type AlertEventName =
  | "certificate.expiring"
  | "certificate.expired"
  | "renewal.failed"
  | "renewal.overdue"
  | "probe.mismatch"
  | "rotation.open"
  | "test";

export type AlertSeverity = "info" | "warning" | "critical";

/** The certificate an alert is about, as every channel shows it (a CA's own certificate: kind "ca"). */
export interface AlertCertificate {
  id: string;
  serial: string;
  /** The host's or client's name, the CA's common name, or "dockpki-monitor". */
  holder: string;
  kind: "server" | "client" | "ca" | "monitor";
  notAfter: string;
  daysLeft: number;
}

/** One alert as channels receive it; `summary` is one plain sentence. */
export interface Alert {
  id: string;
  event: AlertEventName;
  severity: AlertSeverity;
  summary: string;
  at: string;
  certificate?: AlertCertificate;
  host?: { id: string; name: string };
  client?: { id: string; name: string };
  /** The threshold crossed, in days (certificate.expiring). */
  threshold?: number;
  /** Event-specific facts: the agent's message, a probe's endpoint, a rotation's age. Never secrets. */
  detail?: Record<string, unknown>;
}

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Most urgent first, then soonest expiry: the order every message lists alerts in. */
export function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      (a.certificate?.daysLeft ?? Number.POSITIVE_INFINITY) - (b.certificate?.daysLeft ?? Number.POSITIVE_INFINITY),
  );
}
