import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { actorLabel, type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { recordBundleDelivery } from "@/lib/ca/bundle-trust";
import { trustedCas } from "@/lib/ca/cas";
import { unvouchedRotation } from "@/lib/ca/rotation";
import { issueClientCertificate, issueHostCertificate } from "@/lib/certificates/certificates";
import { db, type Tx } from "@/lib/db";
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from "@/lib/errors";
import { parseCsr } from "@/lib/pki/csr";
import { derToPem } from "@/lib/pki/pem";
import { type HolderPrincipal, type RenewalAnswer, trustAnswer } from "@/lib/renewal/renew";
import type { EnrollRequest } from "@/lib/renewal/renewal.schema";
import { getSettings } from "@/lib/settings";

// One-time enrollment: an admin makes a token for one host or client; the one-line command on that
// machine fetches an installer (GET /enroll/<token>) that makes the key there and trades a CSR and
// the token for its first certificate (POST /api/v1/enroll). Only the token's SHA-256 is stored.

export type EnrollmentHolder = { kind: "host" | "client"; id: string };

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** The command an admin pastes on the machine: root for a host, the user's own account for a client. */
export function enrollmentCommand(publicUrl: string, token: string, kind: "host" | "client"): string {
  return `curl -fsSL '${publicUrl}/enroll/${token}' | ${kind === "host" ? "sudo sh" : "sh"}`;
}

async function holderName(client: Tx | typeof db, holder: EnrollmentHolder): Promise<string> {
  const row =
    holder.kind === "host"
      ? await client.host.findUnique({ where: { id: holder.id }, select: { name: true } })
      : await client.client.findUnique({ where: { id: holder.id }, select: { name: true } });
  if (!row) throw new NotFoundError(`That ${holder.kind} does not exist.`);
  return row.name;
}

/**
 * A new enrollment token for a host or client; any earlier unused one for it stops working. The
 * token is shown once, in the command; the dashboard keeps only its hash.
 */
export async function createEnrollment(actor: Principal, holder: EnrollmentHolder, now = new Date()) {
  authorize(actor, "inventory");
  const settings = await getSettings();
  if (!settings.publicUrl) {
    throw new ConflictError(
      "Set the dashboard's public URL in Settings first: the enrollment command and the agent reach the dashboard there.",
    );
  }
  if ((await db.certificateAuthority.count({ where: { status: "active" } })) === 0) {
    throw new ConflictError("There is no certificate authority yet. Create or import one first.");
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + settings.enrollmentTokenMinutes * 60_000);
  await db.$transaction(async (tx) => {
    const name = await holderName(tx, holder);
    const where = holder.kind === "host" ? { hostId: holder.id } : { clientId: holder.id };
    await tx.enrollmentToken.updateMany({
      where: { ...where, usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    await tx.enrollmentToken.create({
      data: { tokenHash: hashOf(token), ...where, expiresAt, createdBy: actorLabel(actor) },
    });
    await recordAudit(tx, {
      actor,
      action: "enroll.create",
      target: name,
      detail: { kind: holder.kind, id: holder.id, expiresAt },
    });
  });
  const warning = settings.publicUrl.startsWith("http:")
    ? "The dashboard's public URL is plain http: anyone on the network path could change this installer, which runs as root, or read its token. Use an https URL."
    : null;
  return { token, expiresAt, command: enrollmentCommand(settings.publicUrl, token, holder.kind), warning };
}

/** The holder a token enrolls, while it can still be used: 404 unknown, 410 used or expired. */
export async function findEnrollment(token: string, now = new Date()): Promise<EnrollmentHolder> {
  const row = /^[A-Za-z0-9_-]{43}$/.test(token)
    ? await db.enrollmentToken.findUnique({
        where: { tokenHash: hashOf(token) },
        select: { hostId: true, clientId: true, usedAt: true, expiresAt: true },
      })
    : null;
  if (!row || (!row.hostId && !row.clientId)) throw new NotFoundError("This enrollment command is not known here.");
  if (row.usedAt) throw new GoneError("This enrollment command was already used; make a new one on the dashboard.");
  if (row.expiresAt <= now)
    throw new GoneError("This enrollment command has expired; make a new one on the dashboard.");
  return row.hostId ? { kind: "host", id: row.hostId } : { kind: "client", id: row.clientId as string };
}

/**
 * POST /api/v1/enroll: the first certificate for a key made on the machine. The token is spent in
 * the issuing transaction, so two uses cannot both succeed; a bad CSR does not spend it.
 */
export async function enroll(req: EnrollRequest, ip: string | null, now = new Date()): Promise<RenewalAnswer> {
  const holder = await findEnrollment(req.token, now);
  const csrPem = derToPem("CERTIFICATE REQUEST", Buffer.from(req.csr, "base64"));
  parseCsr(csrPem);
  const principal: HolderPrincipal = { ...holder, name: await holderName(db, holder) };
  if (req.name !== undefined && req.name !== principal.name) {
    throw new ForbiddenError(
      `This enrollment command is for ${holder.kind} ${principal.name}, not ${req.name}: make one on ${req.name}'s page.`,
    );
  }
  let trust: { caPems: string[]; crossPems: string[] } = { caPems: [], crossPems: [] };
  const unvouched = await unvouchedRotation(now);
  const opts = {
    audit: { action: "cert.enroll", ip },
    // The holder gets both CAs; its certificate comes from the old CA while some peers trust only it.
    caId: unvouched?.previousCaId,
    afterStore: async (tx: Tx, issued: { id: string }) => {
      const spent = await tx.enrollmentToken.updateMany({
        where: { tokenHash: hashOf(req.token), usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now, certificateId: issued.id },
      });
      if (spent.count !== 1)
        throw new GoneError("This enrollment command was already used; make a new one on the dashboard.");
      // Decided again here: a rotation that started or ended since changes which CA must sign.
      if ((await unvouchedRotation(now, tx))?.previousCaId !== unvouched?.previousCaId) {
        throw new ConflictError("A CA rotation changed while this enrollment was made; run the command again.");
      }
      // As for a download: recorded when sent (the installer has no report to make).
      const cas = await trustedCas(tx);
      await recordBundleDelivery(tx, holder, { certificateId: issued.id, caIds: cas.map((ca) => ca.id) });
      trust = await trustAnswer(tx);
    },
  };
  const certificate =
    holder.kind === "host"
      ? await issueHostCertificate(principal, holder.id, { csrPem }, opts)
      : await issueClientCertificate(principal, holder.id, { csrPem }, opts);
  return { certificate, ...trust };
}
