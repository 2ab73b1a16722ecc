import "server-only";
import { randomUUID } from "node:crypto";
import { type Principal, recordAudit } from "@/lib/audit";
import type { CaCreateInput, CaImportInput } from "@/lib/ca.schema";
import { seal, unseal } from "@/lib/crypto/seal";
import { type Tx, db } from "@/lib/db";
import { ConflictError } from "@/lib/errors";
import { createCa, importCa } from "@/lib/pki/ca";
import { describeCertificate } from "@/lib/pki/inspect";

/** What pages and the API may see of a CA: everything but its key. */
const PUBLIC_FIELDS = {
  id: true,
  status: true,
  commonName: true,
  subject: true,
  serial: true,
  fingerprint: true,
  keyAlgorithm: true,
  keySize: true,
  notBefore: true,
  notAfter: true,
  certPem: true,
  imported: true,
  createdAt: true,
  retiredAt: true,
  crlNumber: true,
  crlUpdatedAt: true,
} as const;

export type CaInfo = Awaited<ReturnType<typeof getActiveCa>>;

export async function getActiveCa() {
  return db.certificateAuthority.findFirst({ where: { status: "active" }, select: PUBLIC_FIELDS });
}

export async function listCas() {
  return db.certificateAuthority.findMany({ select: PUBLIC_FIELDS, orderBy: { createdAt: "desc" } });
}

/** Certificates of every CA a host or client should still trust: the active one and, during a
 * rotation, its predecessor. */
export async function trustedCaPems(client: Tx | typeof db = db): Promise<string[]> {
  const cas = await client.certificateAuthority.findMany({
    where: { status: { in: ["active", "previous"] } },
    select: { certPem: true, status: true },
    orderBy: { createdAt: "desc" },
  });
  return cas.sort((a, b) => (a.status === "active" ? -1 : b.status === "active" ? 1 : 0)).map((c) => c.certPem);
}

/** The active CA with its key unsealed, for signing. Never leaves the server. */
export async function loadActiveCaSigner(client: Tx | typeof db = db) {
  const ca = await client.certificateAuthority.findFirst({
    where: { status: "active" },
    select: { id: true, certPem: true, keySealed: true, notAfter: true },
  });
  if (!ca) throw new ConflictError("There is no certificate authority yet. Create or import one first.");
  return { id: ca.id, certPem: ca.certPem, keyPem: unseal(ca.keySealed, `ca:${ca.id}`), notAfter: ca.notAfter };
}

async function storeCa(
  actor: Principal,
  pems: { certPem: string; keyPem: string },
  imported: boolean,
  action: "ca.create" | "ca.import",
) {
  const info = describeCertificate(pems.certPem);
  const id = randomUUID();
  const keySealed = seal(pems.keyPem, `ca:${id}`);
  return db.$transaction(async (tx) => {
    if (await tx.certificateAuthority.count({ where: { status: "active" } })) {
      throw new ConflictError("A certificate authority already exists. Rotate it to replace it.");
    }
    if (await tx.certificateAuthority.count({ where: { fingerprint: info.fingerprint } })) {
      throw new ConflictError("This CA certificate is already stored.");
    }
    const ca = await tx.certificateAuthority.create({
      data: {
        id,
        status: "active",
        commonName: info.commonName ?? info.subject,
        subject: info.subject,
        serial: info.serial,
        fingerprint: info.fingerprint,
        keySize: info.keySize,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        certPem: pems.certPem,
        keySealed,
        imported,
      },
      select: PUBLIC_FIELDS,
    });
    await recordAudit(tx, {
      actor,
      action,
      target: ca.commonName,
      detail: { fingerprint: ca.fingerprint, keySize: ca.keySize, notAfter: ca.notAfter },
    });
    return ca;
  });
}

export async function createCertificateAuthority(actor: Principal, input: CaCreateInput) {
  if (await db.certificateAuthority.count({ where: { status: "active" } })) {
    throw new ConflictError("A certificate authority already exists. Rotate it to replace it.");
  }
  return storeCa(actor, await createCa(input), false, "ca.create");
}

export async function importCertificateAuthority(actor: Principal, input: CaImportInput) {
  if (await db.certificateAuthority.count({ where: { status: "active" } })) {
    throw new ConflictError("A certificate authority already exists. Rotate it to replace it.");
  }
  return storeCa(actor, await importCa(input), true, "ca.import");
}
