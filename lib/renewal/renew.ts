import "server-only";
import type { Principal } from "@/lib/audit";
import { recordAudit } from "@/lib/audit";
import { takeSlot } from "@/lib/auth/throttle";
import { trustedCas } from "@/lib/ca/cas";
import { holderTrustsBoth, type UnvouchedRotation, unvouchedRotation } from "@/lib/ca/rotation";
import {
  type Certificate,
  getCertificate,
  issueClientCertificate,
  issueHostCertificate,
} from "@/lib/certificates/certificates";
import { db, type Tx } from "@/lib/db";
import { ConflictError, ForbiddenError, InputError, TooManyRequestsError } from "@/lib/errors";
import { parseCsr } from "@/lib/pki/csr";
import { chooseKeySpec, type KeySpec, type KeyType, keyLabel } from "@/lib/pki/key-types";
import { spkiSha256 } from "@/lib/pki/keys";
import { derToPem } from "@/lib/pki/pem";
import { type ProvenCertificate, proveHolder, renewCanonical, sameKeySuccessor } from "@/lib/renewal/proof";
import type { RenewRequest } from "@/lib/renewal/renewal.schema";
import { getSettings } from "@/lib/settings";

/** At most this many renewals per certificate per hour: an agent renews once per lifetime. */
export const RENEWALS_PER_HOUR = 6;

/** What a renewal or an enrollment answers: the new certificate and what its holder must trust now. */
export interface RenewalAnswer {
  certificate: Certificate;
  /** Every CA the holder must trust (ca.pem), the active one first. */
  caPems: string[];
  /** Each newer CA signed by the one it succeeded, so an agent that trusts the old one can accept it. */
  crossPems: string[];
}

export type HolderPrincipal = Extract<Principal, { kind: "host" | "client" }>;

/** The holder of a proven certificate, as the principal its agent acts as. */
export function holderPrincipal(cert: ProvenCertificate): HolderPrincipal {
  const holder = cert.host ?? cert.client;
  if (!holder || (!cert.hostId && !cert.clientId)) {
    throw new ForbiddenError(
      `The ${cert.kind === "server" ? "host" : "client"} certificate ${cert.serial} was issued for was deleted from the inventory.`,
    );
  }
  return cert.hostId
    ? { kind: "host", id: cert.hostId, name: holder.name }
    : { kind: "client", id: cert.clientId as string, name: holder.name };
}

/** Why a proven certificate may not renew, or null. */
function renewalRefusal(cert: ProvenCertificate, now: Date): string | null {
  if (cert.status === "revoked") return `Certificate ${cert.serial} is revoked, so it can no longer renew.`;
  if (cert.status === "superseded") {
    return `Certificate ${cert.serial} was already replaced by a newer one; renew with the newest certificate.`;
  }
  if (cert.notAfter <= now) {
    return `Certificate ${cert.serial} expired on ${cert.notAfter.toISOString()}; an expired certificate cannot renew. Enroll the ${cert.kind === "server" ? "host" : "client"} again.`;
  }
  if (cert.ca.status !== "active" && cert.ca.status !== "previous") {
    return `Certificate ${cert.serial} was issued by a CA this dashboard no longer trusts; enroll again.`;
  }
  const holder = cert.host ?? cert.client;
  if (holder && !holder.renewalEnabled) return `Renewal is switched off for ${holder.name} on the dashboard.`;
  return null;
}

/**
 * A new key not of its holder's key type (or the settings') is refused with a 409 that names the
 * wanted key, when the agent says it can make that type: it then asks again with such a key. An
 * agent that says nothing (those from before key types) keeps the type it has.
 */
async function checkKeyType(cert: ProvenCertificate, key: KeySpec, agentKeyTypes: string[] | undefined) {
  const holder = cert.host ?? cert.client;
  if (!agentKeyTypes || !holder) return;
  const settings = await getSettings();
  const wanted = chooseKeySpec(
    { keyType: holder.keyType as KeyType | null },
    { keyType: settings.leafKeyType, keySize: settings.leafKeySize },
  );
  if (!agentKeyTypes.includes(wanted.keyType)) return;
  if (key.keyType === wanted.keyType && key.keySize === wanted.keySize) return;
  throw new ConflictError(
    `${holder.name} is to have an ${keyLabel(wanted)} key now, not ${keyLabel(key)}; make the new key of that type.`,
    { keyType: wanted.keyType, keySize: wanted.keySize },
  );
}

/**
 * The answer to a renewal that was lost on its way back (a timeout, a dropped connection): the
 * agent asks again with the same new key, and gets the certificate already issued for it. Only
 * while that certificate is the holder's current one, for exactly that key: it grants nothing new.
 */
async function repeatedRenewal(cert: ProvenCertificate, csrPem: string, now: Date): Promise<Certificate | null> {
  if (cert.status !== "superseded" || !cert.supersededById || cert.notAfter <= now) return null;
  const next = await db.certificate.findUnique({
    where: { id: cert.supersededById },
    select: { id: true, status: true, notAfter: true, publicKeySha256: true },
  });
  if (next?.status !== "active" || next.notAfter <= now) return null;
  if (next.publicKeySha256 !== spkiSha256(parseCsr(csrPem).publicKeyPem)) return null;
  return getCertificate(next.id);
}

/**
 * A renewal during a rotation no cross certificate vouches for, from a holder whose ca.pem lacks
 * the new CA: it could not accept the answer's ca.pem, and the dashboard would already have replaced
 * its certificate. Refused before anything changes; its certificate keeps working.
 */
function unvouchedRefusal(cert: ProvenCertificate, holder: HolderPrincipal, rotation: UnvouchedRotation) {
  const others = rotation.lacking - 1;
  return new ForbiddenError(
    `${holder.name} cannot renew during this CA rotation yet: its ca.pem lacks ${rotation.activeName}, which no cross certificate vouches for (the old CA is an issuing CA under an offline root)${others > 0 ? `, and ${others} other hosts and clients lack it too` : ""}. Enroll it again from its page on the dashboard, which installs both CAs; its certificate ${cert.serial} stays valid until ${cert.notAfter.toISOString().slice(0, 10)}.`,
  );
}

/** Whether the holder's agent can take a renewal's answer during such a rotation: the cross lets it
 * accept the new CA, or its ca.pem holds both already. */
async function followsRotation(holder: HolderPrincipal, rotation: UnvouchedRotation, client: Tx | typeof db = db) {
  return rotation.agentsCanFollow || holderTrustsBoth(holder, rotation, client);
}

/** The trust bundle a renewal or an enrollment carries: what the holder must trust now. */
export async function trustAnswer(tx: Tx | typeof db): Promise<{ caPems: string[]; crossPems: string[] }> {
  const cas = await trustedCas(tx);
  return {
    caPems: [...new Set(cas.map((ca) => ca.certPem))], // two issuing CAs under one root: the root once
    crossPems: cas.flatMap((ca) => (ca.crossCertPem ? [ca.crossCertPem] : [])),
  };
}

/**
 * POST /api/v1/renew: a new certificate for a new key, proven by the current certificate's key.
 * Names come from the inventory as it is now and the lifetime from the settings; the old
 * certificate is superseded in the same transaction and stays valid until it expires.
 */
export async function renewCertificate(
  req: RenewRequest,
  ip: string | null = null,
  now = new Date(),
): Promise<RenewalAnswer> {
  const csrDer = Buffer.from(req.csr, "base64");
  const proof = { serial: req.serial, time: req.time, signature: req.signature };
  const proven = await proveHolder({ ...proof, canonical: renewCanonical(req.serial, req.time, csrDer) }, now);
  const principal = holderPrincipal(proven);
  const csrPem = derToPem("CERTIFICATE REQUEST", csrDer);
  // Before the limit: an agent whose answers keep getting lost must still get its certificate.
  const repeated = await repeatedRenewal(proven, csrPem, now);
  if (repeated) {
    return db.$transaction(async (tx) => {
      await recordAudit(tx, {
        actor: principal,
        action: "cert.renew_repeated",
        target: principal.name,
        detail: { serial: repeated.serial, replaces: proven.serial },
        ip,
      });
      return { certificate: repeated, ...(await trustAnswer(tx)) };
    });
  }
  // Re-issued for the same key since it was installed (a CA rotation): the agent renews that one.
  const cert = await sameKeySuccessor(proven);

  const slot = await takeSlot(`renew:${cert.serial}`, 3_600_000, now);
  if (slot.attempts > RENEWALS_PER_HOUR) {
    const wait = Math.max(1, Math.ceil((slot.endsAt.getTime() - now.getTime()) / 1000));
    throw new TooManyRequestsError(
      `Certificate ${cert.serial} asked to renew more than ${RENEWALS_PER_HOUR} times this hour; try again in ${Math.ceil(wait / 60)} minutes.`,
      wait,
    );
  }
  const refusal = renewalRefusal(cert, now);
  if (refusal) throw new ForbiddenError(refusal);

  const csr = parseCsr(csrPem);
  if (spkiSha256(csr.publicKeyPem) === cert.publicKeySha256) {
    throw InputError.forField(
      "csrPem",
      "The request reuses the current certificate's key; make a new key for each renewal.",
    );
  }
  await checkKeyType(cert, csr.key, req.keyTypes);
  const unvouched = await unvouchedRotation(now);
  if (unvouched && !(await followsRotation(principal, unvouched))) throw unvouchedRefusal(cert, principal, unvouched);

  let trust: { caPems: string[]; crossPems: string[] } = { caPems: [], crossPems: [] };
  const opts = {
    replaces: cert.id,
    audit: { action: "cert.renew", ip },
    // under the old CA while some peers trust only it (the holder itself trusts both)
    caId: unvouched?.previousCaId,
    afterStore: async (tx: Tx, issued: { id: string }) => {
      // Superseded by this issuance, in this transaction: it was still the holder's current certificate.
      const old = await tx.certificate.findUnique({ where: { id: cert.id }, select: { supersededById: true } });
      if (old?.supersededById !== issued.id) {
        throw new ForbiddenError(
          `Certificate ${cert.serial} was replaced meanwhile; renew with the newest certificate.`,
        );
      }
      // Decided again here: a rotation that started or ended since must not sign for a holder that
      // cannot follow it.
      const again = await unvouchedRotation(now, tx);
      if (again?.previousCaId !== unvouched?.previousCaId) {
        throw new ConflictError("A CA rotation changed while this renewal was made; ask again.");
      }
      if (again && !(await followsRotation(principal, again, tx))) throw unvouchedRefusal(cert, principal, again);
      // What the holder last received is recorded when its agent reports the renewal installed.
      trust = await trustAnswer(tx);
    },
  };
  const certificate =
    principal.kind === "host"
      ? await issueHostCertificate(principal, principal.id, { csrPem }, opts)
      : await issueClientCertificate(principal, principal.id, { csrPem }, opts);
  return { certificate, ...trust };
}
