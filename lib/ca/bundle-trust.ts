import "server-only";
import type { db, Tx } from "@/lib/db";
import { likeLiteral } from "@/lib/db-like";
import type { Prisma } from "@/lib/generated/prisma/client";

// What each host and client last received: the certificate whose bundle it was and the CAs in that
// bundle's ca.pem. A host trusts client certificates of every CA in its ca.pem, so after a CA is
// retired the hosts whose last bundle carried it still let that CA's clients in, revoked ones
// included, until they get a bundle without it. This is how dockpki knows which hosts those are.

export type HolderKind = "host" | "client";

/** Records a delivered bundle (a download today, an installed renewal once hosts renew themselves). */
export async function recordBundleDelivery(
  client: Tx | typeof db,
  holder: { kind: HolderKind; id: string },
  delivered: { certificateId: string; caIds: string[]; at?: Date },
): Promise<void> {
  const data = {
    bundleCertificateId: delivered.certificateId,
    bundleCaIds: JSON.stringify(delivered.caIds),
    bundleDeliveredAt: delivered.at ?? new Date(),
  };
  if (holder.kind === "host") await client.host.update({ where: { id: holder.id }, data });
  else await client.client.update({ where: { id: holder.id }, data });
}

/** Holders whose last bundle's ca.pem held this CA. (The ids are JSON strings, so the quotes keep a match exact.) */
export function trustsCa(caId: string) {
  return { bundleCaIds: { contains: likeLiteral(JSON.stringify(caId)) } };
}

/** Holders whose last bundle's ca.pem held every one of these CAs. */
export function trustsAll(caIds: string[]) {
  return { AND: caIds.map(trustsCa) };
}

/**
 * Holders dockpki cannot vouch for after a retirement: their last bundle held a retired CA, or
 * they had a certificate before the last retirement and no bundle was ever recorded for them
 * (bundles downloaded before dockpki kept this record), so what they trust is unknown.
 */
export function stillTrustsRetired(retired: { id: string; retiredAt: Date | null }[]): Prisma.HostWhereInput | null {
  if (retired.length === 0) return null;
  const lastRetirement = new Date(Math.max(...retired.map((ca) => ca.retiredAt?.getTime() ?? 0)));
  return {
    OR: [
      ...retired.map((ca) => trustsCa(ca.id)),
      { bundleCaIds: null, certificates: { some: { createdAt: { lt: lastRetirement } } } },
    ],
  };
}
