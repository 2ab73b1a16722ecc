import "server-only";
import { db } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";

/** The job results page lists at most this many items; a bigger job is summed up past it. */
export const MAX_LISTED_ITEMS = 1000;

const CERT_FIELDS = {
  id: true,
  serial: true,
  status: true,
  kind: true,
  hostId: true,
  clientId: true,
  host: { select: { name: true } },
  client: { select: { name: true } },
} as const;

/**
 * Each item of a job: its holder, the certificate it replaced and the one it got, by holder name.
 * `bundle` says whether the new certificate's bundle can go in the job's zip (still current, and
 * its key is on record).
 */
export async function listJobItems(jobId: string, take = MAX_LISTED_ITEMS) {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { id: true } });
  if (!job) throw new NotFoundError("That job does not exist.");
  const items = await db.jobItem.findMany({
    where: { jobId },
    select: { id: true, certificateId: true, newCertificateId: true, status: true, error: true },
    take,
  });
  const ids = items.flatMap((i) => (i.newCertificateId ? [i.certificateId, i.newCertificateId] : [i.certificateId]));
  const certs = new Map(
    (await db.certificate.findMany({ where: { id: { in: ids } }, select: CERT_FIELDS })).map((c) => [c.id, c]),
  );
  const shippable = new Set(await jobBundleIds(jobId));
  return items
    .map((item) => {
      const old = certs.get(item.certificateId);
      const fresh = item.newCertificateId ? certs.get(item.newCertificateId) : undefined;
      const holder = old?.host
        ? { kind: "host" as const, id: old.hostId as string, name: old.host.name }
        : old?.client
          ? { kind: "client" as const, id: old.clientId as string, name: old.client.name }
          : null;
      return {
        id: item.id,
        status: item.status,
        error: item.error,
        holder,
        old: old ? { id: old.id, serial: old.serial } : null,
        new: fresh
          ? { id: fresh.id, serial: fresh.serial, status: fresh.status, bundle: shippable.has(fresh.id) }
          : null,
      };
    })
    .sort((a, b) => (a.holder?.name ?? "").localeCompare(b.holder?.name ?? ""));
}

export type JobItemRow = Awaited<ReturnType<typeof listJobItems>>[number];

/** The job's new certificates whose bundles can still be shipped: current, with their key on record. */
export async function jobBundleIds(jobId: string): Promise<string[]> {
  const items = await db.jobItem.findMany({
    where: { jobId, newCertificateId: { not: null } },
    select: { newCertificateId: true },
  });
  const rows = await db.certificate.findMany({
    where: {
      id: { in: items.map((i) => i.newCertificateId as string) },
      status: "active",
      keySealed: { not: null },
      OR: [{ hostId: { not: null } }, { clientId: { not: null } }],
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

const NOTICE_HOURS = 24;

/** The latest bulk re-issue that ended in the last day, for the overview's notice. */
export async function latestEndedJob(now = new Date()) {
  return db.job.findFirst({
    where: {
      kind: "reissue",
      status: { in: ["done", "failed", "cancelled"] },
      endedAt: { gte: new Date(now.getTime() - NOTICE_HOURS * 3_600_000) },
    },
    select: { id: true, status: true, total: true, done: true, failed: true, endedAt: true },
    orderBy: { endedAt: "desc" },
  });
}
