import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError } from "@/lib/errors";

/**
 * Stops a queued or running job from taking more items: those already being re-issued finish, the
 * rest stay pending. A job that has ended cannot be cancelled.
 */
export async function cancelJob(actor: Principal, id: string): Promise<void> {
  authorize(actor, "issue");
  await db.$transaction(async (tx) => {
    const job = await tx.job.findUnique({
      where: { id },
      select: { kind: true, status: true, done: true, total: true },
    });
    if (!job) throw new NotFoundError("That job does not exist.");
    const cancelled = await tx.job.updateMany({
      where: { id, status: { in: ["queued", "running"] } },
      data: { status: "cancelled", endedAt: new Date() },
    });
    if (cancelled.count === 0) {
      throw new ConflictError(`This job has already ended (${job.status}): there is nothing left to cancel.`);
    }
    await recordAudit(tx, {
      actor,
      action: "job.cancel",
      target: job.kind,
      detail: { id, done: job.done, total: job.total },
    });
  });
}
