import "server-only";
import { db } from "@/lib/db";
import { describeCertificate } from "@/lib/pki/inspect";
import { renewalOverdueAt, renewsItself } from "@/lib/renewal/lifetime";
import type { Settings } from "@/lib/settings.schema";

const DAY_MS = 86_400_000;
export const TIMELINE_WEEKS = 13;

export interface TimelineWeek {
  /** Monday 00:00 UTC; the first week starts before `now`, but only what is still valid counts. */
  start: Date;
  /** The week's first and last day as ISO dates: the certificate list's expiresFrom/expiresTo. */
  from: string;
  to: string;
  hosts: number;
  clients: number;
  cas: number;
  /** Of this week's host and client certificates, those whose agent should have renewed by now. */
  overdue: number;
  /** The CAs expiring this week, by common name (the certificate list does not show CAs). */
  caNames: string[];
}

/** Monday 00:00 UTC of the week holding `now`, and the 13 weeks from there. */
export function timelineWeeks(now: Date): TimelineWeek[] {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = midnight - ((now.getUTCDay() + 6) % 7) * DAY_MS;
  return Array.from({ length: TIMELINE_WEEKS }, (_, i) => {
    const start = new Date(monday + i * 7 * DAY_MS);
    const last = new Date(start.getTime() + 6 * DAY_MS);
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    return { start, from: iso(start), to: iso(last), hosts: 0, clients: 0, cas: 0, overdue: 0, caNames: [] };
  });
}

/**
 * What expires in each of the next 13 weeks, by kind: the certificates that still matter (current:
 * not revoked, not superseded, not yet expired, the dashboard's own monitor left out, as on the
 * expiry table) and the CAs in use (active or in a rotation's overlap, an issuing CA's offline root too).
 */
export async function getExpiryTimeline(settings: Settings, now = new Date()): Promise<TimelineWeek[]> {
  const weeks = timelineWeeks(now);
  const end = new Date(weeks[0].start.getTime() + TIMELINE_WEEKS * 7 * DAY_MS);
  const [certificates, cas] = await Promise.all([
    db.certificate.findMany({
      where: { status: "active", purpose: "", notAfter: { gt: now, lt: end } },
      select: {
        kind: true,
        notBefore: true,
        notAfter: true,
        host: { select: { renewalEnabled: true } },
        client: { select: { renewalEnabled: true } },
      },
    }),
    db.certificateAuthority.findMany({
      where: { status: { in: ["active", "previous"] } },
      select: { commonName: true, notAfter: true, fingerprint: true, rootCertPem: true },
    }),
  ]);
  const weekOf = (at: Date) => weeks[Math.floor((at.getTime() - weeks[0].start.getTime()) / (7 * DAY_MS))];
  for (const c of certificates) {
    const week = weekOf(c.notAfter);
    if (c.kind === "server") week.hosts++;
    else week.clients++;
    // The same test as the overview's "Renewal overdue" list (lib/renewal/status.ts).
    const renewalEnabled = c.host?.renewalEnabled ?? c.client?.renewalEnabled ?? false;
    if (renewsItself(settings, renewalEnabled) && renewalOverdueAt(c, settings) <= now) week.overdue++;
  }
  // Two issuing CAs under one offline root (a rotation) name that root once.
  const caCerts = new Map<string, { commonName: string; notAfter: Date }>();
  for (const ca of cas) {
    caCerts.set(ca.fingerprint, ca);
    if (!ca.rootCertPem) continue;
    const root = describeCertificate(ca.rootCertPem);
    caCerts.set(root.fingerprint, { commonName: root.commonName ?? root.subject, notAfter: root.notAfter });
  }
  for (const ca of caCerts.values()) {
    if (ca.notAfter <= now || ca.notAfter >= end) continue;
    const week = weekOf(ca.notAfter);
    week.cas++;
    week.caNames.push(ca.commonName);
  }
  return weeks;
}
