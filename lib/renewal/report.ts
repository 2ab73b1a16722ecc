import "server-only";
import { recordAudit } from "@/lib/audit";
import { takeSlot } from "@/lib/auth/throttle";
import { recordBundleDelivery } from "@/lib/ca/bundle-trust";
import { trustedCas } from "@/lib/ca/cas";
import { db } from "@/lib/db";
import { ForbiddenError, TooManyRequestsError } from "@/lib/errors";
import { proveHolder, reportCanonical } from "@/lib/renewal/proof";
import { holderPrincipal } from "@/lib/renewal/renew";
import type { ReportRequest } from "@/lib/renewal/renewal.schema";

const REPORTS_PER_HOUR = 20;

/**
 * POST /api/v1/renew/report: what the agent did, signed with the key of the certificate it runs
 * (the new one after a renewal, the current one after a failure), so the dashboard shows what
 * each host actually serves.
 */
export async function recordAgentReport(req: ReportRequest, ip: string | null, now = new Date()): Promise<void> {
  const cert = await proveHolder({ ...req, canonical: reportCanonical(req) }, now);
  const slot = await takeSlot(`report:${cert.serial}`, 3_600_000, now);
  if (slot.attempts > REPORTS_PER_HOUR) {
    const wait = Math.max(1, Math.ceil((slot.endsAt.getTime() - now.getTime()) / 1000));
    throw new TooManyRequestsError(`Too many reports for certificate ${cert.serial} this hour.`, wait);
  }
  const principal = holderPrincipal(cert);
  if (cert.status === "revoked") throw new ForbiddenError(`Certificate ${cert.serial} is revoked.`);
  if (cert.notAfter <= now) throw new ForbiddenError(`Certificate ${cert.serial} has expired.`);
  const report = {
    agentReportAt: now,
    agentReportSerial: cert.serial,
    agentReportOutcome: req.outcome,
    agentReportMessage: req.message || null,
  };
  await db.$transaction(async (tx) => {
    // A renewal counts as received (which CAs the holder trusts, during a rotation) once it is installed.
    if (req.outcome === "ok" && cert.status === "active") {
      const cas = await trustedCas(tx);
      await recordBundleDelivery(tx, principal, { certificateId: cert.id, caIds: cas.map((ca) => ca.id) });
    }
    if (principal.kind === "host") {
      await tx.host.update({
        where: { id: principal.id },
        data: { ...report, agentServedSerial: req.servedSerial || null },
      });
    } else {
      await tx.client.update({ where: { id: principal.id }, data: report });
    }
    await recordAudit(tx, {
      actor: principal,
      action: req.outcome === "ok" ? "agent.renewed" : "agent.failed",
      target: principal.name,
      detail: { serial: cert.serial, servedSerial: req.servedSerial || undefined, message: req.message || undefined },
      ip,
    });
  });
}
