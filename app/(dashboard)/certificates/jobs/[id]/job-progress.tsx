"use client";

import { useEffect, useState } from "react";
import type { JobJson } from "@/app/api/v1/_lib/job-json";

/** Follows a bulk job by polling its API record; keeps going after the page is reopened. */
export function JobProgress({ initial }: { initial: JobJson }) {
  const [job, setJob] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const finished = job.status === "done" || job.status === "failed" || job.status === "cancelled";

  useEffect(() => {
    if (finished) return;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(`/api/v1/jobs/${job.id}`, { cache: "no-store" });
        if (!response.ok) throw new Error((await response.json()).error?.message ?? response.statusText);
        setJob(await response.json());
        setError(null);
      } catch (err) {
        setError(`Could not read the progress: ${(err as Error).message}`);
      }
    }, 700);
    return () => clearInterval(timer);
  }, [job.id, finished]);

  return (
    <div className="stack">
      <progress
        max={job.total}
        value={job.done + job.failed}
        aria-label="Progress"
        style={{ width: "100%", height: 22 }}
      />
      <p aria-live="polite" data-testid="job-status">
        <strong>{job.percent}%</strong> · {job.done} of {job.total} re-issued
        {job.failed ? `, ${job.failed} failed` : ""} · {job.status}
      </p>
      {error ? <p className="notice warn">{error}</p> : null}
      {job.error ? <p className="notice error">{job.error}</p> : null}
      {job.failures.length > 0 ? (
        <div className="notice error">
          <p>Some certificates could not be re-issued:</p>
          <ul>
            {job.failures.map((f) => (
              <li key={f.certificateId}>
                <a href={`/certificates/${f.certificateId}`}>{f.certificateId}</a>: {f.error}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
