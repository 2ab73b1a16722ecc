import "server-only";
import type { Principal } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { type IssueOptions, issueClientCertificate, issueHostCertificate } from "@/lib/certificates/certificates";
import { db } from "@/lib/db";
import { ConflictError, GoneError, InputError, NotFoundError } from "@/lib/errors";

/**
 * A new certificate for the same host or client: SANs from the host as it is recorded now (so a
 * changed IP is picked up), a fresh key (or the same CSR signed again, unless its key was
 * compromised), the active CA, and the default lifetime for its kind. The old one is superseded,
 * and revoked if asked.
 */
export async function reissueCertificate(actor: Principal, id: string, opts: Omit<IssueOptions, "replaces"> = {}) {
  authorize(actor, "issue");
  const old = await db.certificate.findUnique({
    where: { id },
    select: {
      id: true,
      kind: true,
      hostId: true,
      clientId: true,
      csrPem: true,
      status: true,
      serial: true,
      revocationReason: true,
    },
  });
  if (!old) throw new NotFoundError("That certificate does not exist.");
  if (old.status === "superseded") {
    throw new ConflictError(`Certificate ${old.serial} was already replaced; re-issue its successor instead.`);
  }
  // A key generated here is replaced by a fresh one anyway; a CSR's key can only be replaced by its owner.
  if (old.revocationReason === "keyCompromise" && old.csrPem) {
    throw InputError.forField(
      "csrPem",
      `Certificate ${old.serial} was revoked because its key was compromised, and its key came from a CSR: re-issuing would sign the same key again. Issue a new certificate from a new CSR (a new key) instead.`,
    );
  }
  const input = { csrPem: old.csrPem ?? undefined };
  const options = { ...opts, replaces: old.id };
  if (old.kind === "server") {
    if (!old.hostId) throw new GoneError("The host of this certificate was deleted.");
    return issueHostCertificate(actor, old.hostId, input, options);
  }
  if (!old.clientId) throw new GoneError("The client of this certificate was deleted.");
  return issueClientCertificate(actor, old.clientId, input, options);
}
