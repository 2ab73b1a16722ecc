import type { Settings } from "@/lib/settings.schema";

const DAY_MS = 86_400_000;

/** Whether a holder's certificates are renewed by its agent: renewal on, and bundles can carry the agent. */
export function renewsItself(settings: Settings, renewalEnabled: boolean): boolean {
  return renewalEnabled && settings.publicUrl !== null;
}

/**
 * A new certificate's lifetime when the request names none: short for a holder that renews itself
 * (a revoked client then stops working within days, which dockerd's missing CRL check cannot do),
 * the long default otherwise.
 */
export function defaultLifetimeDays(kind: "server" | "client", settings: Settings, renewalEnabled: boolean): number {
  if (renewsItself(settings, renewalEnabled)) {
    return kind === "server" ? settings.renewalServerCertDays : settings.renewalClientCertDays;
  }
  return kind === "server" ? settings.serverCertDays : settings.clientCertDays;
}

/** When the agent renews: once less than renewAtRemainingPercent of the lifetime is left. */
export function renewalDueAt(cert: { notBefore: Date; notAfter: Date }, settings: Settings): Date {
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  return new Date(cert.notAfter.getTime() - Math.floor((lifetime * settings.renewAtRemainingPercent) / 100));
}

/** Overdue: less than a quarter of the lifetime left (half the renewal share, if that is smaller),
 * so an agent that should have renewed has had time to try and failed. */
export function renewalOverdueAt(cert: { notBefore: Date; notAfter: Date }, settings: Settings): Date {
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  const percent = settings.renewAtRemainingPercent > 25 ? 25 : settings.renewAtRemainingPercent / 2;
  return new Date(cert.notAfter.getTime() - Math.floor((lifetime * percent) / 100));
}

/** Whole days from `now` until `at`, rounded up; 0 when it has passed. */
export function daysUntil(at: Date, now = new Date()): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / DAY_MS));
}
