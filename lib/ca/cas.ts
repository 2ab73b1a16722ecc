import "server-only";
import { randomUUID } from "node:crypto";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { stillTrustsRetired } from "@/lib/ca/bundle-trust";
import type { CaCreateInput, CaImportInput } from "@/lib/ca/ca.schema";
import { getRotationProgress } from "@/lib/ca/rotation";
import { seal, unseal } from "@/lib/crypto/seal";
import { db, type Tx } from "@/lib/db";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { listAllHosts } from "@/lib/inventory/hosts";
import { hostCertificateNames } from "@/lib/inventory/hosts.schema";
import { createCa, crossSignCa, importCa } from "@/lib/pki/ca";
import { caCertificateWarnings } from "@/lib/pki/ca-checks";
import { describeCertificate } from "@/lib/pki/inspect";
import { pathLength } from "@/lib/pki/intermediate";
import { chooseKeySpec } from "@/lib/pki/key-types";
import { pemBlocks } from "@/lib/pki/pem";

/** What pages and the API may see of a CA: everything but its key. */
const PUBLIC_FIELDS = {
  id: true,
  status: true,
  commonName: true,
  subject: true,
  serial: true,
  fingerprint: true,
  keyAlgorithm: true,
  keyType: true,
  keySize: true,
  notBefore: true,
  notAfter: true,
  certPem: true,
  imported: true,
  createdAt: true,
  retiredAt: true,
  crlNumber: true,
  crlUpdatedAt: true,
  rootCertPem: true,
} as const;

export type CaInfo = Awaited<ReturnType<typeof getActiveCa>>;

export async function getActiveCa() {
  return db.certificateAuthority.findFirst({ where: { status: "active" }, select: PUBLIC_FIELDS });
}

export async function listCas() {
  return db.certificateAuthority.findMany({ select: PUBLIC_FIELDS, orderBy: { createdAt: "desc" } });
}

/** What a bundle's ca.pem holds for a CA: the offline root of an issuing CA, else the CA itself. */
export const trustAnchorPem = (ca: { certPem: string; rootCertPem: string | null }) => ca.rootCertPem ?? ca.certPem;

/** Every CA a host or client should still trust: the active one and, during a rotation, its
 * predecessor; the active one first. `certPem` is what each bundle's ca.pem holds for it (an issuing
 * CA's root); two issuing CAs under one root share it, and it is listed once. */
export async function trustedCas(
  client: Tx | typeof db = db,
): Promise<{ id: string; certPem: string; crossCertPem: string | null }[]> {
  const cas = await client.certificateAuthority.findMany({
    where: { status: { in: ["active", "previous"] } },
    select: { id: true, certPem: true, rootCertPem: true, crossCertPem: true, status: true },
    orderBy: { createdAt: "desc" },
  });
  return cas
    .sort((a, b) => (a.status === "active" ? -1 : b.status === "active" ? 1 : 0))
    .map((ca) => ({ id: ca.id, certPem: trustAnchorPem(ca), crossCertPem: ca.crossCertPem }));
}

/** The certificates of every bundle's ca.pem, each once. */
export async function trustedCaPems(client: Tx | typeof db = db): Promise<string[]> {
  return [...new Set((await trustedCas(client)).map((ca) => ca.certPem))];
}

/** A CA's state as the API names it: issuing, still trusted during a rotation, or retired. */
export function caState(status: string): "active" | "overlap" | "retired" {
  return status === "active" ? "active" : status === "previous" ? "overlap" : "retired";
}

/** The active CA with its key unsealed, for signing. Never leaves the server. */
export async function loadActiveCaSigner(client: Tx | typeof db = db) {
  if (client === db && activeCache && performance.now() - activeCache.at < ACTIVE_CACHE_MS) return activeCache.signer;
  const ca = await client.certificateAuthority.findFirst({
    where: { status: "active" },
    select: { ...SIGNER_FIELDS, crossCertPem: true },
  });
  if (!ca) throw new ConflictError("There is no certificate authority yet. Create or import one first.");
  // During a rotation, what the new CA issues carries the cross certificate after its chain: a peer
  // whose ca.pem holds only the old CA (a host or client not yet renewed) then builds leaf -> cross
  // -> old CA, and one that trusts the new CA goes straight to it. Without it, a client that renewed
  // first would be refused by every host still on the old ca.pem, and the reverse.
  const previous = ca.crossCertPem
    ? await client.certificateAuthority.findFirst({ where: { status: "previous" }, select: { certPem: true } })
    : null;
  const overlap = previous !== null && crossChains(previous.certPem, ca.rootCertPem !== null);
  const signer = toSigner(ca, overlap ? ca.crossCertPem : null);
  if (client === db) activeCache = { signer, at: performance.now() };
  return signer;
}

// The active CA, read by every issuance, kept for a moment outside transactions; dropped at once
// when this process stores or retires a CA. Another instance's rotation shows within the moment,
// and a certificate signed by the CA it just succeeded is still trusted (both are, until retirement).
const ACTIVE_CACHE_MS = 2000;
let activeCache: { signer: ReturnType<typeof toSigner>; at: number } | null = null;
const forgetActiveCa = () => {
  activeCache = null;
};

const SIGNER_FIELDS = { id: true, certPem: true, rootCertPem: true, keySealed: true, notAfter: true } as const;

function toSigner(
  ca: {
    id: string;
    certPem: string;
    rootCertPem: string | null;
    keySealed: Uint8Array;
    notAfter: Date;
  },
  crossCertPem: string | null = null,
) {
  return {
    id: ca.id,
    certPem: ca.certPem,
    keyPem: unseal(ca.keySealed, `ca:${ca.id}`),
    notAfter: ca.notAfter,
    /** An issuing CA under an offline root. */
    intermediate: ca.rootCertPem !== null,
    // What follows a leaf in its cert.pem: the issuing CA's certificate when it is an intermediate
    // (peers know only the root), then during a rotation the cross certificate by the old CA.
    chainPem: (ca.rootCertPem ? ca.certPem : "") + (crossCertPem ?? ""),
    anchorPem: trustAnchorPem(ca),
  };
}

/** A trusted CA (active or, during a rotation, previous) with its key unsealed, for signing. */
export async function loadCaSigner(id: string, client: Tx | typeof db = db) {
  const ca = await client.certificateAuthority.findFirst({
    where: { id, status: { in: ["active", "previous"] } },
    select: SIGNER_FIELDS,
  });
  if (!ca) throw new ConflictError("That certificate authority is retired or gone.");
  return toSigner(ca);
}

export type StoreMode = "first" | "rotate";

export async function storeCa(
  actor: Principal,
  pems: { certPem: string; keyPem: string; rootCertPem?: string },
  imported: boolean,
  mode: StoreMode,
  inTransaction?: (tx: Tx) => Promise<void>,
) {
  const info = describeCertificate(pems.certPem);
  const id = randomUUID();
  const keySealed = seal(pems.keyPem, `ca:${id}`);
  const predecessor = mode === "rotate" ? await loadActiveCaSigner() : null;
  const crossCertPem = predecessor
    ? vouchFor(trustAnchorPem({ certPem: pems.certPem, rootCertPem: pems.rootCertPem ?? null }), predecessor)
    : null;
  forgetActiveCa();
  const stored = db.$transaction(async (tx) => {
    await assertCanStore(tx, mode);
    if (
      predecessor &&
      (await tx.certificateAuthority.count({ where: { id: predecessor.id, status: "active" } })) === 0
    ) {
      throw new ConflictError("The active CA changed while this rotation was prepared; try again.");
    }
    if (await tx.certificateAuthority.count({ where: { fingerprint: info.fingerprint } })) {
      throw new ConflictError("This CA certificate is already stored.");
    }
    // A rotation keeps the old CA trusted (status previous) until it is retired.
    if (mode === "rotate")
      await tx.certificateAuthority.updateMany({ where: { status: "active" }, data: { status: "previous" } });
    const ca = await tx.certificateAuthority.create({
      data: {
        id,
        status: "active",
        commonName: info.commonName ?? info.subject,
        subject: info.subject,
        serial: info.serial,
        fingerprint: info.fingerprint,
        keyAlgorithm: info.keyType === "rsa" ? "RSA" : "ECDSA",
        keyType: info.keyType,
        keySize: info.keySize,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        certPem: pems.certPem,
        keySealed,
        imported,
        crossCertPem,
        rootCertPem: pems.rootCertPem ?? null,
      },
      select: PUBLIC_FIELDS,
    });
    await inTransaction?.(tx);
    forgetActiveCa();
    await recordAudit(tx, {
      actor,
      action: mode === "rotate" ? "ca.rotate" : imported ? "ca.import" : "ca.create",
      target: ca.commonName,
      detail: { fingerprint: ca.fingerprint, keyType: ca.keyType, keySize: ca.keySize, notAfter: ca.notAfter },
    });
    return ca;
  });
  // again once committed: a request between the two may have read the old state
  return stored.finally(forgetActiveCa);
}

/**
 * The cross certificate that lets agents which trust only the predecessor accept the successor's
 * ca.pem: the new trust anchor's subject and key, signed by the predecessor. None when the anchor
 * stays (a new issuing CA under the same root: nothing new to trust), and none when the predecessor
 * is itself an issuing CA (its signature would need its chain, which agents check against the root
 * alone): those hosts and clients take the new ca.pem from a bundle or an enrollment.
 */
function vouchFor(anchorPem: string, predecessor: Awaited<ReturnType<typeof loadActiveCaSigner>>): string | null {
  if (anchorPem === predecessor.anchorPem || predecessor.intermediate) return null;
  return crossSignCa(anchorPem, predecessor);
}

/**
 * Whether a peer that trusts only the old (root) CA can build leaf -> (new issuing CA) -> cross -> old
 * CA: the old CA's pathlen must allow that many CAs below it (Go and OpenSSL enforce it). When it does
 * not, the cross still lets agents accept the new ca.pem (checked alone, it is one CA below the old
 * one), but the new CA's certificates cannot lean on it (lib/ca/rotation.ts unvouchedRotation).
 */
export function crossChains(previousCertPem: string, successorIsIntermediate: boolean): boolean {
  const limit = pathLength(pemBlocks(previousCertPem, "CERTIFICATE")[0]);
  return limit === null || limit >= (successorIsIntermediate ? 2 : 1);
}

/** A first CA needs none to exist; a rotation needs one, and no rotation already under way. */
export async function assertCanStore(client: Tx | typeof db, mode: StoreMode): Promise<void> {
  const counts = await client.certificateAuthority.groupBy({ by: ["status"], _count: true });
  const count = (status: string) => counts.find((c) => c.status === status)?._count ?? 0;
  if (mode === "first" && count("active") > 0) {
    throw new ConflictError("A certificate authority already exists. Rotate it to replace it.");
  }
  if (mode === "rotate" && count("active") === 0) {
    throw new ConflictError("There is no certificate authority to rotate yet. Create or import one first.");
  }
  if (mode === "rotate" && count("previous") > 0) {
    throw new ConflictError("A rotation is already under way: retire the previous CA before starting another.");
  }
}

/** Creates (or, with pems, imports) the first CA; with rotate, a successor to the active one. */
export async function createCertificateAuthority(actor: Principal, input: CaCreateInput, mode: StoreMode = "first") {
  authorize(actor, "ca");
  // Checked before the slow key generation, and again in the transaction.
  await assertCanStore(db, mode);
  // a CA of unnamed type is ECDSA P-256; RSA without a size is 4096 bits
  const key = chooseKeySpec(input, { keyType: "ecdsa-p256", keySize: 4096 });
  return storeCa(actor, await createCa({ ...input, key }), false, mode);
}

/**
 * Imports a CA (first, or as the successor in a rotation). It is checked against the inventory:
 * a CA whose name constraints exclude a host's names could never sign for that host. Answers the
 * stored CA and the warnings (what Docker accepts but strict verifiers refuse).
 */
export async function importCertificateAuthority(actor: Principal, input: CaImportInput, mode: StoreMode = "first") {
  authorize(actor, "ca");
  await assertCanStore(db, mode);
  const hosts = (await listAllHosts()).map((h) => ({ name: h.name, ...hostCertificateNames(h) }));
  const imported = importCa({ ...input, hosts });
  const ca = await storeCa(actor, imported, true, mode);
  return { ca, warnings: imported.warnings };
}

/**
 * Ends a rotation: the previous CA stops being shipped in bundles. Refused while a certificate it
 * issued is still valid, because that host or client would stop being trusted. Answers how many
 * hosts still trust it (their ca.pem holds it) until they get a new bundle.
 */
export async function retireCertificateAuthority(actor: Principal, id: string, now = new Date()) {
  authorize(actor, "ca");
  return db.$transaction(async (tx) => {
    const ca = await tx.certificateAuthority.findUnique({
      where: { id },
      select: { id: true, status: true, commonName: true, certPem: true, rootCertPem: true },
    });
    if (!ca) throw new NotFoundError("That certificate authority does not exist.");
    if (ca.status !== "previous") throw new ConflictError("Only the previous CA of a rotation can be retired.");
    // The dashboard's own monitoring certificate is not a dependent: the next probe gets one from the active CA.
    const dependents = await tx.certificate.count({
      where: { caId: id, status: "active", purpose: "", notAfter: { gt: now } },
    });
    if (dependents > 0) {
      throw new ConflictError(
        `${dependents} valid certificate${dependents === 1 ? "" : "s"} still depend${dependents === 1 ? "s" : ""} on this CA. Re-issue them under the new CA first.`,
        { dependents },
      );
    }
    // The same hosts the overview names from now on: bundles that carried it, or no record at all.
    // An issuing CA under the root the active one has too: ca.pem keeps the root, no bundle changes that.
    const active = await tx.certificateAuthority.findFirst({
      where: { status: "active" },
      select: { certPem: true, rootCertPem: true },
    });
    const anchorStays = active !== null && trustAnchorPem(active) === trustAnchorPem(ca);
    const stillTrusting = anchorStays ? null : stillTrustsRetired([{ id, retiredAt: now }]);
    const hostsStillTrusting = stillTrusting ? await tx.host.count({ where: stillTrusting }) : 0;
    await tx.certificateAuthority.update({ where: { id }, data: { status: "retired", retiredAt: now } });
    forgetActiveCa();
    await tx.certificate.updateMany({
      where: { caId: id, purpose: "monitor", status: "active" },
      data: { status: "superseded" },
    });
    await recordAudit(tx, { actor, action: "ca.retire", target: ca.commonName, detail: { id, hostsStillTrusting } });
    return { id: ca.id, commonName: ca.commonName, hostsStillTrusting };
  });
}

/** The CA page: the active CA, the previous one during a rotation with how far the rotation has
 * come, the retired ones, and the ca.pem every bundle carries now. */
export async function getCaOverview(now = new Date()) {
  const cas = await db.certificateAuthority.findMany({
    where: { status: { in: ["active", "previous"] } },
    select: PUBLIC_FIELDS,
  });
  const active = cas.find((c) => c.status === "active") ?? null;
  const previous = cas.find((c) => c.status === "previous") ?? null;
  const [rotation, retired, bundleCaPem] = await Promise.all([
    active && previous ? getRotationProgress(active.id, previous.id, now) : Promise.resolve(null),
    db.certificateAuthority.findMany({
      where: { status: "retired" },
      select: PUBLIC_FIELDS,
      orderBy: { retiredAt: "desc" },
    }),
    trustedCaPems().then((pems) => pems.join("")),
  ]);
  return {
    active,
    previous,
    rotation,
    retired,
    bundleCaPem,
    // The classic openssl recipe makes CAs without keyUsage or a subject key identifier: Docker
    // accepts them, strict verifiers do not.
    activeWarnings: active ? caCertificateWarnings(active.certPem) : [],
  };
}
