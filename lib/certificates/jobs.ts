import "server-only";
import { actorLabel, type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { issuanceSlots } from "@/lib/certificates/issue-slots";
import type { ReissueScope } from "@/lib/certificates/jobs.schema";
import { type KeySource, keysAhead } from "@/lib/certificates/key-pool";
import { reissueCertificate } from "@/lib/certificates/reissue";
import type { ReissueCounts } from "@/lib/certificates/reissue-summary";
import { db, type Tx } from "@/lib/db";
import { skipLocked } from "@/lib/db-sql";
import { ConflictError, describeError, NotFoundError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { LEASE_HOLDER } from "@/lib/leases";

const DAY_MS = 86_400_000;
// Two workers, each with one keygen at a time on libuv's thread pool (its next item's, made while
// this one is signed and stored: keysAhead), keep both cores busy and leave the event loop, and two
// of the thread pool's four threads, to the dashboard.
const CONCURRENCY = 2;

export type { ReissueScope } from "@/lib/certificates/jobs.schema";

interface JobParams {
  actor: Principal;
  revokeReplaced: boolean;
  selection: ReissueScope;
}

function selectionWhere(selection: ReissueScope, now: Date): Prisma.CertificateWhereInput {
  const holder = { OR: [{ hostId: { not: null } }, { clientId: { not: null } }] };
  // Chosen one by one: a holder's current certificate, revoked or not, but never one already replaced.
  if (selection.scope === "ids") return { id: { in: selection.ids }, status: { not: "superseded" }, ...holder };
  if (selection.scope === "expiring") {
    return { status: "active", notAfter: { lte: new Date(now.getTime() + selection.days * DAY_MS) }, ...holder };
  }
  return { status: "active", ca: { status: "previous" }, notAfter: { gt: now }, ...holder };
}

/** The same selection split by holder, for the sentence that confirms a bulk re-issue. */
export async function countReissueCandidatesByHolder(
  selection: ReissueScope,
  now = new Date(),
): Promise<ReissueCounts> {
  const where = selectionWhere(selection, now);
  const [hosts, clients] = await Promise.all([
    db.certificate.count({ where: { AND: [where, { hostId: { not: null } }] } }),
    db.certificate.count({ where: { AND: [where, { clientId: { not: null } }] } }),
  ]);
  return { hosts, clients };
}

/**
 * Records a bulk re-issue with one item per certificate. The items make the job resumable: each
 * is marked done in the same transaction that stores its new certificate.
 */
export async function createReissueJob(actor: Principal, selection: ReissueScope, revokeReplaced: boolean) {
  authorize(actor, "issue");
  if (revokeReplaced) authorize(actor, "revoke");
  const now = new Date();
  return db.$transaction(async (tx) => {
    if (await tx.job.count({ where: { status: { in: ["queued", "running"] } } })) {
      throw new ConflictError("A bulk job is already running. Wait for it to finish.");
    }
    const certs = await tx.certificate.findMany({ where: selectionWhere(selection, now), select: { id: true } });
    if (selection.scope === "ids" && certs.length !== selection.ids.length) {
      throw new ConflictError(unavailableMessage(selection.ids.length - certs.length));
    }
    if (certs.length === 0) throw new ConflictError("No certificate needs re-issuing.");
    const params: JobParams = { actor, revokeReplaced, selection };
    const created = await tx.job.create({
      data: { kind: "reissue", params: JSON.stringify(params), total: certs.length, createdBy: actorLabel(actor) },
      select: { id: true, total: true },
    });
    await tx.jobItem.createMany({ data: certs.map((c) => ({ jobId: created.id, certificateId: c.id })) });
    await recordAudit(tx, {
      actor,
      action: "job.start",
      target: "reissue",
      detail: { id: created.id, total: created.total, ...selection, revokeReplaced },
    });
    return created;
  });
}

function unavailableMessage(missing: number): string {
  return missing === 1
    ? "One of the selected certificates was already replaced, or its host or client deleted: reload the list and select again."
    : `${missing} of the selected certificates were already replaced, or their hosts or clients deleted: reload the list and select again.`;
}

/** Records a bulk re-issue and starts it in this process. */
export async function startReissueJob(actor: Principal, selection: ReissueScope, revokeReplaced: boolean) {
  const job = await createReissueJob(actor, selection, revokeReplaced);
  void runJobInBackground(job.id);
  return job;
}

const JOB_FIELDS = {
  id: true,
  kind: true,
  status: true,
  total: true,
  done: true,
  failed: true,
  error: true,
  createdBy: true,
  createdAt: true,
  startedAt: true,
  endedAt: true,
} as const;

export async function getJob(id: string) {
  const job = await db.job.findUnique({ where: { id }, select: JOB_FIELDS });
  if (!job) throw new NotFoundError("That job does not exist.");
  const failures = await db.jobItem.findMany({
    where: { jobId: id, status: "failed" },
    select: { certificateId: true, error: true },
    take: 20,
  });
  return { ...job, failures };
}

export async function listJobs(take = 10) {
  return db.job.findMany({ select: JOB_FIELDS, orderBy: { createdAt: "desc" }, take });
}

/** Thrown inside an item's transaction when another instance has taken the item over: nothing is stored. */
class ClaimLost extends Error {}

/**
 * Takes the next pending item nobody holds (or whose holder's claim ran out: an instance that died) for this
 * process, for jobClaimMs(). On PostgreSQL, instances skip the rows another is claiming instead of queueing
 * behind it (FOR UPDATE SKIP LOCKED); SQLite runs one write at a time anyway.
 */
async function claimItem(jobId: string, now = new Date()): Promise<{ id: string; certificateId: string } | null> {
  const until = new Date(now.getTime() + jobClaimMs());
  const [item] = await db.$queryRaw<{ id: string; certificateId: string }[]>`
    UPDATE "JobItem" SET "claimedBy" = ${LEASE_HOLDER}, "claimedUntil" = ${until}
    WHERE "id" = (
      SELECT "id" FROM "JobItem"
      WHERE "jobId" = ${jobId} AND "status" = 'pending' AND ("claimedUntil" IS NULL OR "claimedUntil" < ${now})
      ORDER BY "id" LIMIT 1 ${skipLocked()}
    )
    RETURNING "id", "certificateId"`;
  return item ?? null;
}

/** How long an instance's claim on a bulk job item lasts (DOCKPKI_JOB_CLAIM_MS, default 30 s). */
export function jobClaimMs(): number {
  const ms = Number(process.env.DOCKPKI_JOB_CLAIM_MS || 30_000);
  return Number.isFinite(ms) && ms >= 100 ? ms : 30_000;
}

/**
 * Settles an item this process holds, with the job's counter, in `tx`: exactly once across instances, since
 * an item another instance has taken over (or already settled) is no longer pending under this claim.
 */
async function settleItem(tx: Tx, jobId: string, itemId: string, data: Prisma.JobItemUpdateManyMutationInput) {
  const { count } = await tx.jobItem.updateMany({
    where: { id: itemId, status: "pending", claimedBy: LEASE_HOLDER },
    data: { ...data, claimedUntil: null },
  });
  if (count === 0) throw new ClaimLost();
  const counter = data.status === "failed" ? { failed: { increment: 1 } } : { done: { increment: 1 } };
  await tx.job.update({ where: { id: jobId }, data: counter });
}

async function processItem(
  jobId: string,
  params: JobParams,
  item: { id: string; certificateId: string },
  keys: KeySource,
) {
  try {
    await reissueCertificate(params.actor, item.certificateId, {
      revokeReplaced: params.revokeReplaced,
      keys,
      // In the transaction that stores the new certificate: if the claim was lost, all of it rolls back.
      afterStore: (tx, cert) => settleItem(tx, jobId, item.id, { status: "done", newCertificateId: cert.id }),
    });
  } catch (err) {
    if (err instanceof ClaimLost) return;
    const report = describeError(err);
    if (report.status === 500) console.error(`Job ${jobId}: re-issuing ${item.certificateId} failed:`, err);
    // Someone replaced it meanwhile, or its holder is gone: nothing left to do for this item.
    const settled = report.status === 409 || report.status === 410 || report.status === 404;
    await db
      .$transaction((tx) =>
        settleItem(tx, jobId, item.id, { status: settled ? "done" : "failed", error: report.message }),
      )
      .catch((e) => {
        if (!(e instanceof ClaimLost)) throw e;
      });
  }
}

/** A job recorded before roles existed was started by an admin or an admin token: that is what it was. */
function withLegacyRole(actor: Principal): Principal {
  if (actor.kind === "admin") return { ...actor, role: actor.role ?? "admin" };
  if (actor.kind === "token") return { ...actor, scope: actor.scope ?? "admin" };
  return actor;
}

/** Whether the job still takes items: a cancel stops it between items, never inside one. */
async function stillRunning(jobId: string): Promise<boolean> {
  const state = await db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
  return state.status === "running";
}

async function runJob(jobId: string): Promise<void> {
  // Conditional, so a job cancelled while queued stays cancelled, and a second instance keeps the first's start.
  await db.job.updateMany({
    where: { id: jobId, status: "queued" },
    data: { status: "running", startedAt: new Date() },
  });
  const job = await db.job.findUnique({ where: { id: jobId }, select: { params: true, status: true } });
  if (job?.status !== "running") return;
  const params = JSON.parse(job.params) as JobParams;
  params.actor = withLegacyRole(params.actor);
  // As bulk workers: a request's RSA key made meanwhile is one keygen, never two racing (a worker
  // between its items, claiming the next, holds no turn, yet wants its core back at once).
  await Promise.all(
    Array.from({ length: CONCURRENCY }, () =>
      issuanceSlots.asBulkWorker(async () => {
        // each RSA key made while the item before it is built and stored
        const keys = keysAhead();
        try {
          for (;;) {
            if (!(await stillRunning(jobId))) return;
            const item = await claimItem(jobId);
            if (!item) return;
            await processItem(jobId, params, item, keys);
          }
        } finally {
          keys.finish();
        }
      }),
    ),
  );
  await endIfDone(jobId, params);
}

/**
 * Ends the job once no item is pending. While another instance still works on some (or holds claims of an
 * instance that died, not yet run out), it stays running: the watcher (startJobWatcher) comes back to it.
 */
async function endIfDone(jobId: string, params: JobParams): Promise<void> {
  if ((await db.jobItem.count({ where: { jobId, status: "pending" } })) > 0) return;
  // Conditional: a cancel that came after the last item was taken keeps the job cancelled, and of two
  // instances finding the last item settled, one ends the job and audits it.
  const ended = await db.job.updateMany({
    where: { id: jobId, status: "running" },
    data: { status: "done", endedAt: new Date() },
  });
  if (ended.count === 0) return;
  const final = await db.job.findUniqueOrThrow({
    where: { id: jobId },
    select: { done: true, failed: true, total: true },
  });
  await recordAudit(db, {
    actor: params.actor,
    action: "job.done",
    target: "reissue",
    detail: { id: jobId, ...final },
  });
}

const runner = globalThis as unknown as { dockpkiRunningJobs?: Set<string> };

/**
 * Runs a job in this process unless it already runs here. Failures end the job, never the server.
 * The promise settles when the job stops; callers other than tests need not wait for it.
 */
export function runJobInBackground(jobId: string): Promise<void> {
  runner.dockpkiRunningJobs ??= new Set();
  const running = runner.dockpkiRunningJobs;
  if (running.has(jobId)) return Promise.resolve();
  running.add(jobId);
  return runJob(jobId)
    .catch(async (err) => {
      console.error(`Job ${jobId} stopped:`, err);
      await db.job
        .update({
          where: { id: jobId },
          data: { status: "failed", error: describeError(err).message, endedAt: new Date() },
        })
        .catch(() => {});
    })
    .finally(() => running.delete(jobId));
}

/**
 * Jobs left queued or running (by a stopped server, or started on another instance) are worked on here too,
 * from the items nobody holds. Answers how many there were.
 */
export async function resumeJobs(): Promise<number> {
  const jobs = await db.job.findMany({ where: { status: { in: ["queued", "running"] } }, select: { id: true } });
  for (const job of jobs) void runJobInBackground(job.id);
  return jobs.length;
}

const WATCH_MS = 5_000;
const watcher = globalThis as unknown as { dockpkiJobWatcher?: NodeJS.Timeout };

/**
 * Every few seconds, joins the jobs other instances started and takes over the items of one that stopped, so
 * a job started anywhere is shared by every instance and finishes while any is up.
 */
export function startJobWatcher(): void {
  if (watcher.dockpkiJobWatcher) return;
  watcher.dockpkiJobWatcher = setInterval(() => {
    resumeJobs().catch((err) => console.error("dockpki: looking for bulk jobs failed:", err));
  }, WATCH_MS);
  watcher.dockpkiJobWatcher.unref();
}
