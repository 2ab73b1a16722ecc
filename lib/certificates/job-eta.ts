/** What the estimate reads of a job (the API's job JSON has it). */
export type JobPace = { status: string; startedAt: string | null; done: number; failed: number; total: number };

/** "about 3 min left", from the pace so far; null until one item is through, and once it has ended. */
export function jobEta(job: JobPace, now: number): string | null {
  const processed = job.done + job.failed;
  if (job.status !== "running" || !job.startedAt || processed === 0 || processed >= job.total) return null;
  const elapsed = now - Date.parse(job.startedAt);
  if (elapsed <= 0) return null;
  const seconds = Math.ceil(((elapsed / processed) * (job.total - processed)) / 1000);
  if (seconds < 60) return `about ${seconds} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}
