import "server-only";
import { createHash, verify, X509Certificate } from "node:crypto";
import { db } from "@/lib/db";
import { UnauthorizedError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

// Proof of possession (lib/renewal/PROTOCOL.md): the agent signs a canonical string with the key
// of the certificate it names. A signed request is accepted once, within five minutes of its time.

export const MAX_SKEW_SECONDS = 300;

const sha256Hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

export function renewCanonical(serial: string, time: number, csrDer: Buffer): string {
  return `dockpki-renew-v1\n${serial}\n${time}\n${sha256Hex(csrDer)}`;
}

export function reportCanonical(r: {
  serial: string;
  time: number;
  outcome: string;
  servedSerial: string;
  message: string;
}): string {
  return `dockpki-report-v1\n${r.serial}\n${r.time}\n${r.outcome}\n${r.servedSerial}\n${sha256Hex(r.message)}`;
}

/** What a proof needs of the certificate it names, and what the callers check next. */
const PROVEN_FIELDS = {
  id: true,
  kind: true,
  serial: true,
  status: true,
  notBefore: true,
  notAfter: true,
  hostId: true,
  clientId: true,
  publicKeySha256: true,
  supersededById: true,
  certPem: true,
  ca: { select: { status: true } },
  host: { select: { name: true, renewalEnabled: true, keyType: true } },
  client: { select: { name: true, renewalEnabled: true, keyType: true } },
} as const;

export type ProvenCertificate = Prisma.CertificateGetPayload<{ select: typeof PROVEN_FIELDS }>;

export interface Proof {
  serial: string;
  time: number;
  signature: string;
  canonical: string;
}

/**
 * The certificate whose key signed this request. Refused (401) when the time is off by more than
 * five minutes, the serial is unknown, the signature does not verify with that certificate's
 * public key, or the same signed request was accepted before. What the certificate may do is the
 * caller's to check.
 */
export async function proveHolder(proof: Proof, now = new Date()): Promise<ProvenCertificate> {
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - proof.time);
  if (skew > MAX_SKEW_SECONDS) {
    throw new UnauthorizedError(
      `The request's time is ${skew} seconds away from the dashboard's clock; at most ${MAX_SKEW_SECONDS} are allowed. Set the machine's clock (NTP).`,
    );
  }
  const cert = await db.certificate.findUnique({ where: { serial: proof.serial }, select: PROVEN_FIELDS });
  if (!cert) throw new UnauthorizedError(`This dashboard issued no certificate with serial ${proof.serial}.`);
  let valid = false;
  try {
    const key = new X509Certificate(cert.certPem).publicKey;
    valid = verify("sha256", Buffer.from(proof.canonical), key, Buffer.from(proof.signature, "base64"));
  } catch {
    // a signature that does not decode is as wrong as one that does not match
  }
  if (!valid) {
    throw new UnauthorizedError(
      `The signature was not made with the key of certificate ${proof.serial}, or the request was altered.`,
    );
  }
  await spendProof(proof.canonical, now);
  return cert;
}

/**
 * The certificate a proven one stands for now: when it was re-issued for the same key (a CA
 * rotation's re-issue signs the holder's CSR again, and its agent still holds the first), whoever
 * holds that key holds the re-issued certificate too. Otherwise the proven certificate itself.
 */
export async function sameKeySuccessor(cert: ProvenCertificate): Promise<ProvenCertificate> {
  let current = cert;
  for (let hops = 0; hops < 16 && current.status === "superseded" && current.supersededById; hops++) {
    const next = await db.certificate.findUnique({ where: { id: current.supersededById }, select: PROVEN_FIELDS });
    if (!next || next.publicKeySha256 !== cert.publicKeySha256) break;
    current = next;
  }
  return current;
}

/**
 * Records a signed request as used; a second use is a replay. Keyed on what was signed, never on the
 * signature's bytes: an ECDSA signature (r, s) verifies as (r, n - s) too, so its bytes can be changed
 * without the key, and a random nonce signs the same text differently each time anyway.
 */
async function spendProof(canonical: string, now: Date): Promise<void> {
  try {
    await db.usedProof.create({
      data: {
        id: sha256Hex(canonical),
        expiresAt: new Date(now.getTime() + 2 * MAX_SKEW_SECONDS * 1000),
      },
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new UnauthorizedError("This request was already used once; a replayed request is refused.");
    }
    throw err;
  }
}

/** Maintenance: forgets proofs whose time can no longer pass the skew check. */
export async function pruneUsedProofs(now = new Date()): Promise<number> {
  return (await db.usedProof.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
