import "server-only";
import { recordAudit } from "@/lib/audit";
import { pruneAuditLog } from "@/lib/audit-log";
import { deleteExpiredSessions } from "@/lib/auth/sessions";
import { pruneKnownAddresses } from "@/lib/auth/sign-in";
import { pruneThrottle } from "@/lib/auth/throttle";
import { refillKeyPool, trimKeyPool } from "@/lib/certificates/key-pool";
import { db } from "@/lib/db";
import { pruneUsedProofs } from "@/lib/renewal/proof";
import { getSettings } from "@/lib/settings";

const EVERY_MS = 10 * 60_000;

/**
 * Deletes what no longer counts for anything: throttle windows that ended, expired sessions,
 * known addresses unused for 90 days, renewal proofs past the clock-skew window, enrollment tokens
 * a month after they expired, audit events past the retention setting, and pooled keys no longer
 * wanted; then the key pool is topped up in the background. Safe to run
 * from several processes at once: every step is a plain delete of what is already due.
 */
export async function runMaintenance(now = new Date()) {
  const settings = await getSettings();
  const result = {
    throttle: await pruneThrottle(now),
    sessions: await deleteExpiredSessions(now),
    knownAddresses: await pruneKnownAddresses(now),
    usedProofs: await pruneUsedProofs(now),
    enrollmentTokens: (
      await db.enrollmentToken.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 30 * 86_400_000) } } })
    ).count,
    audit: await pruneAuditLog({ days: settings.auditRetentionDays, count: settings.auditRetentionCount }, now),
    // pooled keys the settings no longer want (size lowered, RSA out of use); the rest is topped up below
    pooledKeys: await trimKeyPool(),
  };
  void refillKeyPool();
  if (result.audit > 0) {
    await recordAudit(db, {
      actor: "system",
      action: "audit.prune",
      detail: { removed: result.audit, days: settings.auditRetentionDays, count: settings.auditRetentionCount },
    });
  }
  return result;
}

const state = globalThis as unknown as { dockpkiMaintenance?: NodeJS.Timeout };

/** At start-up and every ten minutes after, in the background; failures are logged, never thrown. */
export function startMaintenance(): void {
  if (state.dockpkiMaintenance) return;
  const run = () => runMaintenance().catch((err) => console.error("dockpki: maintenance failed:", err));
  void run();
  state.dockpkiMaintenance = setInterval(run, EVERY_MS);
  state.dockpkiMaintenance.unref();
}
