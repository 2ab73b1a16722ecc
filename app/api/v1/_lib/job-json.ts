import "server-only";
import type { getJob } from "@/lib/certificates/jobs";

export function jobJson(job: Awaited<ReturnType<typeof getJob>>) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    total: job.total,
    done: job.done,
    failed: job.failed,
    percent: job.total === 0 ? 100 : Math.floor(((job.done + job.failed) / job.total) * 100),
    error: job.error,
    failures: job.failures,
    createdBy: job.createdBy,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    endedAt: job.endedAt?.toISOString() ?? null,
  };
}

export type JobJson = ReturnType<typeof jobJson>;
