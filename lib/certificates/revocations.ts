import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { unseal } from "@/lib/crypto/seal";
import { db, type Tx } from "@/lib/db";
import { lockRow } from "@/lib/db-sql";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { buildCrl, type RevocationReason } from "@/lib/pki/crl";
import { getSettings } from "@/lib/settings";

const DAY_MS = 86_400_000;

/**
 * Signs a fresh CRL for a CA: every certificate it issued that is revoked, with a CRL number one
 * higher than the last. Runs inside the caller's transaction, so a revocation and the CRL that
 * lists it are stored together.
 */
export async function regenerateCrl(tx: Tx, caId: string, now = new Date()): Promise<string> {
  // CRLs of one CA are signed one at a time, across instances too: a second regeneration waits here, then reads
  // the number and the revocations the first committed, so the number only grows and the later CRL lists both.
  await lockRow(tx, "CertificateAuthority", caId);
  const ca = await tx.certificateAuthority.findUniqueOrThrow({
    where: { id: caId },
    select: { id: true, certPem: true, keySealed: true, crlNumber: true },
  });
  const [revoked, settings] = await Promise.all([
    tx.certificate.findMany({
      where: { caId, status: "revoked" },
      select: { serial: true, revokedAt: true, revocationReason: true },
      orderBy: { revokedAt: "asc" },
    }),
    getSettings(tx),
  ]);
  const crlNumber = ca.crlNumber + 1;
  const crlPem = buildCrl({
    ca: { certPem: ca.certPem, keyPem: unseal(ca.keySealed, `ca:${ca.id}`) },
    entries: revoked.map((r) => ({
      serial: r.serial,
      revokedAt: r.revokedAt ?? now,
      reason: (r.revocationReason ?? "unspecified") as RevocationReason,
    })),
    crlNumber,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + settings.crlDays * DAY_MS),
  });
  await tx.certificateAuthority.update({ where: { id: caId }, data: { crlNumber, crlPem, crlUpdatedAt: now } });
  return crlPem;
}

/**
 * Marks a certificate revoked and audits it, without signing a CRL: the caller signs one per CA
 * once it has revoked all it means to. A key compromise condemns the key, not one certificate:
 * every other certificate that carries the same public key (a CSR signed again) is revoked with it.
 */
async function markRevoked(tx: Tx, actor: Principal, id: string, reason: RevocationReason, revokedAt: Date) {
  const cert = await tx.certificate.findUnique({
    where: { id },
    select: { id: true, caId: true, serial: true, status: true, commonName: true, publicKeySha256: true },
  });
  if (!cert) throw new NotFoundError("That certificate does not exist.");
  if (cert.status === "revoked") throw new ConflictError(`Certificate ${cert.serial} is already revoked.`);
  const sameKey =
    reason === "keyCompromise" && cert.publicKeySha256
      ? await tx.certificate.findMany({
          where: { publicKeySha256: cert.publicKeySha256, status: { not: "revoked" }, id: { not: id } },
          select: { id: true, caId: true, serial: true, commonName: true },
        })
      : [];
  for (const c of [cert, ...sameKey]) {
    // Conditional: another instance may have revoked it since it was read.
    const { count } = await tx.certificate.updateMany({
      where: { id: c.id, status: { not: "revoked" } },
      data: { status: "revoked", revokedAt, revocationReason: reason },
    });
    if (count === 0 && c.id === cert.id) throw new ConflictError(`Certificate ${cert.serial} is already revoked.`);
    if (count === 0) continue;
    await recordAudit(tx, {
      actor,
      action: "cert.revoke",
      target: c.commonName,
      detail: { id: c.id, serial: c.serial, reason, ...(c.id === id ? {} : { sameKeyAs: cert.serial }) },
    });
  }
  return { cert, sameKey };
}

/**
 * Revokes a certificate (and, for a key compromise, the others with its key) and signs its CA's
 * CRL again, in one transaction. Answers how many others there were.
 */
export async function revokeCertificate(
  actor: Principal,
  id: string,
  reason: RevocationReason,
  client?: Tx,
): Promise<{ alsoRevoked: number; serial: string }> {
  authorize(actor, "revoke");
  const run = async (tx: Tx) => {
    const revokedAt = new Date();
    const { cert, sameKey } = await markRevoked(tx, actor, id, reason, revokedAt);
    // In one order everywhere, so two transactions locking the same CAs never wait on each other in a circle.
    for (const caId of [...new Set([cert, ...sameKey].map((c) => c.caId))].sort()) {
      await regenerateCrl(tx, caId, revokedAt);
    }
    return { alsoRevoked: sameKey.length, serial: cert.serial };
  };
  return client ? run(client) : db.$transaction(run);
}

export interface BulkRevocation {
  revoked: string[];
  alsoRevoked: number;
  refused: { id: string; reason: string }[];
}

/**
 * Revokes each of `ids` (a list's selection) in one transaction, each audited on its own, and signs
 * each CA's CRL once at the end rather than once per certificate. One that is missing or already
 * revoked is reported as refused, with why, and the others go ahead.
 */
export async function revokeCertificates(
  actor: Principal,
  ids: string[],
  reason: RevocationReason,
): Promise<BulkRevocation> {
  authorize(actor, "revoke");
  return db.$transaction(async (tx) => {
    const revokedAt = new Date();
    const result: BulkRevocation = { revoked: [], alsoRevoked: 0, refused: [] };
    const cas = new Set<string>();
    const done = new Set<string>();
    for (const id of ids) {
      // Already revoked here as an earlier one's same-key twin.
      if (done.has(id)) continue;
      try {
        const { cert, sameKey } = await markRevoked(tx, actor, id, reason, revokedAt);
        result.revoked.push(cert.serial);
        result.alsoRevoked += sameKey.filter((c) => !ids.includes(c.id)).length;
        for (const c of [cert, ...sameKey]) {
          cas.add(c.caId);
          done.add(c.id);
        }
      } catch (err) {
        // Refusals are decided before anything is written, so the transaction stays whole.
        if (!(err instanceof NotFoundError || err instanceof ConflictError)) throw err;
        result.refused.push({ id, reason: err.message });
      }
    }
    for (const caId of [...cas].sort()) await regenerateCrl(tx, caId, revokedAt);
    return result;
  });
}

/**
 * The CRL of a CA (the active one by default) as PEM. One is signed on first request, and again
 * when half its validity has passed, so what is served is never stale.
 */
export async function currentCrl(caId?: string, now = new Date()): Promise<{ pem: string; caName: string }> {
  const ca = await db.certificateAuthority.findFirst({
    where: caId ? { id: caId } : { status: "active" },
    select: { id: true, commonName: true, crlPem: true, crlUpdatedAt: true },
  });
  if (!ca) {
    throw new NotFoundError(
      caId ? "That certificate authority does not exist." : "There is no certificate authority yet.",
    );
  }
  const { crlDays } = await getSettings();
  const fresh = ca.crlPem && ca.crlUpdatedAt && now.getTime() - ca.crlUpdatedAt.getTime() < (crlDays * DAY_MS) / 2;
  if (fresh && ca.crlPem) return { pem: ca.crlPem, caName: ca.commonName };
  const pem = await db.$transaction((tx) => regenerateCrl(tx, ca.id, now));
  return { pem, caName: ca.commonName };
}

/**
 * The CRLs of every CA that is still trusted (the active one and, during a rotation, the previous
 * one), concatenated: openssl and other CRL readers take several in one file.
 */
export async function trustedCrls(now = new Date()): Promise<string> {
  const cas = await db.certificateAuthority.findMany({
    where: { status: { in: ["active", "previous"] } },
    select: { id: true, status: true },
    orderBy: { createdAt: "desc" },
  });
  if (cas.length === 0) throw new NotFoundError("There is no certificate authority yet.");
  const pems = [];
  for (const ca of cas) pems.push((await currentCrl(ca.id, now)).pem);
  return pems.join("");
}
