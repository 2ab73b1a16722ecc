import "server-only";
import { stillTrustsRetired, trustsAll, trustsCa } from "@/lib/ca/bundle-trust";
import { crossChains, trustAnchorPem, trustedCaPems } from "@/lib/ca/cas";
import { db, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// A CA rotation is safe in one order only, and this is how far each step has come:
// 1. trust: every host and client gets a bundle whose ca.pem carries both CAs. Until a client has
//    it, a host certificate from the new CA is refused ("certificate signed by unknown authority");
//    until a host has it, a client certificate from the new CA is refused.
// 2. re-issue every valid certificate under the new CA, and install the new bundles.
// 3. retire the old CA. Hosts then need one more bundle, without it, to stop trusting its clients.
// What the new CA issues meanwhile carries the cross certificate the old CA signed for it (cas.ts),
// so it is accepted before step 1 is done. An old issuing CA under an offline root cannot sign one:
// then renewals and enrollments go on under the old CA until step 1 is done (unvouchedRotation).

const SAMPLE = 10;
const now = () => new Date();

/** Hosts and clients that hold a valid certificate: the ones a rotation must reach. */
const deployed = (at: Date) => ({ certificates: { some: { status: "active", notAfter: { gt: at } } } });

async function lackingTrust(caIds: string[], at: Date, client: Tx | typeof db = db) {
  const where = { ...deployed(at), OR: [{ bundleCaIds: null }, { NOT: trustsAll(caIds) }] };
  const [hosts, clients, sample] = await Promise.all([
    client.host.count({ where }),
    client.client.count({ where }),
    client.host.findMany({ where, select: { id: true, name: true }, orderBy: { name: "asc" }, take: SAMPLE }),
  ]);
  return { hosts, clients, sampleHosts: sample };
}

/** Holders whose current certificate is from the new CA but whose last bundle was another one. */
async function awaitingInstall(activeCaId: string, at: Date) {
  const count = async (table: "Host" | "Client", column: "hostId" | "clientId") => {
    // Column against column, which Prisma's filters cannot say; table and column are fixed above.
    const [row] = await db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`
      SELECT count(*) AS n FROM ${Prisma.raw(`"${table}"`)} h
      JOIN "Certificate" c ON c.${Prisma.raw(`"${column}"`)} = h."id"
        AND c."status" = 'active' AND c."caId" = ${activeCaId} AND c."notAfter" > ${at}
      WHERE h."bundleCertificateId" IS NULL OR h."bundleCertificateId" <> c."id"`);
    return Number(row.n);
  };
  return { hosts: await count("Host", "hostId"), clients: await count("Client", "clientId") };
}

export interface RotationProgress {
  trust: { hosts: number; clients: number; sampleHosts: { id: string; name: string }[] };
  reissue: { certificates: number };
  install: { hosts: number; clients: number };
  /** Hosts whose ca.pem holds the old CA now (or whose ca.pem dockpki has no record of); they keep
   * trusting it after retirement until their next bundle. */
  trustingPrevious: { hosts: number; sampleHosts: { id: string; name: string }[] };
  /** No cross certificate vouches for the new CA (unvouchedRotation): agents cannot take it from a renewal. */
  unvouched: boolean;
}

/** Progress of the rotation from `previousCaId` to `activeCaId`, step by step. */
export async function getRotationProgress(activeCaId: string, previousCaId: string, at = now()) {
  if (await sameTrustAnchor(activeCaId, previousCaId)) return sameRootProgress(previousCaId, at);
  // Those the overview will name once the old CA is retired now.
  const previousWhere = stillTrustsRetired([{ id: previousCaId, retiredAt: at }]) ?? trustsCa(previousCaId);
  const [trust, certificates, install, trustingHosts, trustingSample, pair] = await Promise.all([
    lackingTrust([activeCaId, previousCaId], at),
    db.certificate.count({ where: { caId: previousCaId, status: "active", purpose: "", notAfter: { gt: at } } }),
    awaitingInstall(activeCaId, at),
    db.host.count({ where: previousWhere }),
    db.host.findMany({
      where: previousWhere,
      select: { id: true, name: true },
      orderBy: { name: "asc" },
      take: SAMPLE,
    }),
    db.certificateAuthority.findMany({
      where: { id: { in: [activeCaId, previousCaId] } },
      select: { id: true, certPem: true, rootCertPem: true, crossCertPem: true },
    }),
  ]);
  const active = pair.find((ca) => ca.id === activeCaId);
  const previous = pair.find((ca) => ca.id === previousCaId);
  return {
    trust,
    reissue: { certificates },
    install,
    trustingPrevious: { hosts: trustingHosts, sampleHosts: trustingSample },
    unvouched: !active?.crossCertPem || !previous || !crossChains(previous.certPem, active.rootCertPem !== null),
  } satisfies RotationProgress;
}

/** Two issuing CAs under one offline root: every ca.pem holds the root already. */
async function sameTrustAnchor(a: string, b: string): Promise<boolean> {
  const cas = await db.certificateAuthority.findMany({
    where: { id: { in: [a, b] } },
    select: { certPem: true, rootCertPem: true },
  });
  return cas.length === 2 && trustAnchorPem(cas[0]) === trustAnchorPem(cas[1]);
}

/**
 * A new issuing CA under the same root: nothing to trust anew, and no bundle makes hosts stop
 * trusting the old one (the root vouches for it until its certificates expire), so only the
 * re-issue and its installation are steps.
 */
async function sameRootProgress(previousCaId: string, at: Date): Promise<RotationProgress> {
  const certificates = await db.certificate.count({
    where: { caId: previousCaId, status: "active", purpose: "", notAfter: { gt: at } },
  });
  const active = await db.certificateAuthority.findFirstOrThrow({ where: { status: "active" }, select: { id: true } });
  return {
    trust: { hosts: 0, clients: 0, sampleHosts: [] },
    reissue: { certificates },
    install: await awaitingInstall(active.id, at),
    trustingPrevious: { hosts: 0, sampleHosts: [] },
    unvouched: false,
  };
}

/** Retired CAs whose ca.pem entry still leaves bundles (an issuing CA under a root still in use): no
 * new bundle changes what a host trusts, so they make no host "need its new bundle". */
async function retiredNeedingBundles() {
  const [retired, anchors] = await Promise.all([
    db.certificateAuthority.findMany({
      where: { status: "retired" },
      select: { id: true, retiredAt: true, certPem: true, rootCertPem: true },
    }),
    trustedCaPems(),
  ]);
  return retired.filter((ca) => !anchors.includes(trustAnchorPem(ca)));
}

/** Hosts that still trust a retired CA: "needs its new bundle" on the overview, the host list and the host page. */
export async function hostsNeedingNewBundle(take = SAMPLE) {
  const retired = await retiredNeedingBundles();
  const where = stillTrustsRetired(retired);
  if (!where) return { count: 0, hosts: [] as { id: string; name: string }[] };
  const [count, hosts] = await Promise.all([
    db.host.count({ where }),
    db.host.findMany({ where, select: { id: true, name: true }, orderBy: { name: "asc" }, take }),
  ]);
  return { count, hosts };
}

/** Which of these hosts still trust a retired CA (for a page of the host list, or one host's page). */
export async function hostIdsNeedingNewBundle(hostIds: string[]): Promise<Set<string>> {
  if (hostIds.length === 0) return new Set();
  const retired = await retiredNeedingBundles();
  const where = stillTrustsRetired(retired);
  if (!where) return new Set();
  const rows = await db.host.findMany({ where: { id: { in: hostIds }, ...where }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/** A rotation no host or client can follow by itself, while some of them do not trust the new CA yet. */
export interface UnvouchedRotation {
  activeCaId: string;
  activeName: string;
  previousCaId: string;
  /** Deployed hosts and clients whose last bundle lacks one of the two CAs. */
  lacking: number;
  /** A cross certificate exists, so agents can accept the two-CA ca.pem from a renewal; it cannot
   * sit in the new CA's chains (the old CA's pathlen forbids it). */
  agentsCanFollow: boolean;
}

/**
 * A rotation whose new CA's certificates no cross certificate can vouch for in a TLS chain: the old
 * CA is an issuing CA under an offline root (its pathlen:0 forbids signing a cross) and the new CA
 * has another root, or the old root's own pathlen leaves no room for the cross in a chain. Until
 * every deployed host and client has a bundle with both CAs, a certificate from the new CA is refused
 * by those without one. Null for every other state.
 */
export async function unvouchedRotation(at = now(), client: Tx | typeof db = db): Promise<UnvouchedRotation | null> {
  const cas = await client.certificateAuthority.findMany({
    where: { status: { in: ["active", "previous"] } },
    select: { id: true, status: true, commonName: true, certPem: true, rootCertPem: true, crossCertPem: true },
  });
  const active = cas.find((ca) => ca.status === "active");
  const previous = cas.find((ca) => ca.status === "previous");
  if (!active || !previous || trustAnchorPem(active) === trustAnchorPem(previous)) return null;
  if (active.crossCertPem && crossChains(previous.certPem, active.rootCertPem !== null)) return null;
  const trust = await lackingTrust([active.id, previous.id], at, client);
  const lacking = trust.hosts + trust.clients;
  if (lacking === 0) return null;
  return {
    activeCaId: active.id,
    activeName: active.commonName,
    previousCaId: previous.id,
    lacking,
    agentsCanFollow: active.crossCertPem !== null,
  };
}

/** Whether a host's or client's last bundle carried both CAs of a rotation. */
export async function holderTrustsBoth(
  holder: { kind: "host" | "client"; id: string },
  rotation: UnvouchedRotation,
  client: Tx | typeof db = db,
): Promise<boolean> {
  const where = { id: holder.id, ...trustsAll([rotation.activeCaId, rotation.previousCaId]) };
  return (holder.kind === "host" ? await client.host.count({ where }) : await client.client.count({ where })) > 0;
}
