import { cookies } from "next/headers";
import Link from "next/link";
import { latestEndedJob } from "@/lib/certificates/job-results";
import { DismissJobNotice } from "./dismiss-job-notice";

/** Holds the id of the last job whose notice this browser dismissed. */
const SEEN_JOB_COOKIE = "dockpki-seen-job";

/** Overview: a bulk re-issue that ended in the last day, until the admin dismisses it. */
export async function JobFinishedNotice() {
  const [job, jar] = await Promise.all([latestEndedJob(), cookies()]);
  if (!job || jar.get(SEEN_JOB_COOKIE)?.value === job.id) return null;
  const ended = job.status === "cancelled" ? "was cancelled" : job.status === "failed" ? "stopped" : "finished";
  return (
    <p className={`notice ${job.failed > 0 || job.status !== "done" ? "warn" : "ok"} row`} data-testid="job-finished">
      <span>
        Re-issue of {job.total} certificate{job.total === 1 ? "" : "s"} {ended}: {job.done} done, {job.failed} failed.{" "}
        <Link href={`/certificates/jobs/${job.id}`}>See results.</Link>
      </span>
      <DismissJobNotice jobId={job.id} cookie={SEEN_JOB_COOKIE} />
    </p>
  );
}
