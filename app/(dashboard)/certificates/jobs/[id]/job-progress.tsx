"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { JobJson } from "@/app/api/v1/_lib/job-json";
import { jobEta } from "@/lib/certificates/job-eta";
import { CancelJobForm } from "./cancel-job-form";

const ENDED = new Set(["done", "failed", "cancelled"]);

/** Follows a bulk job by polling its API record; keeps going after the page is reopened. */
export function JobProgress({ initial, canCancel }: { initial: JobJson; canCancel: boolean }) {
  const router = useRouter();
  const [job, setJob] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const refreshedAt = useRef(0);
  const finished = ENDED.has(job.status);

  useEffect(() => {
    if (finished) return;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(`/api/v1/jobs/${job.id}`, { cache: "no-store" });
        if (!response.ok) throw new Error((await response.json()).error?.message ?? response.statusText);
        const next: JobJson = await response.json();
        setJob(next);
        setNow(Date.now());
        setError(null);
        // The results table is rendered on the server: bring it along every few seconds, and at the end.
        if (ENDED.has(next.status) || Date.now() - refreshedAt.current > 3000) {
          refreshedAt.current = Date.now();
          router.refresh();
        }
      } catch (err) {
        setError(`Could not read the progress: ${(err as Error).message}`);
      }
    }, 700);
    return () => clearInterval(timer);
  }, [job.id, finished, router]);

  const eta = jobEta(job, now);
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
        {eta ? ` · ${eta}` : ""}
      </p>
      {error ? <p className="notice warn">{error}</p> : null}
      {job.error ? <p className="notice error">{job.error}</p> : null}
      {finished || !canCancel ? null : (
        <CancelJobForm
          jobId={job.id}
          onCancelled={() => {
            setJob((j) => ({ ...j, status: "cancelled" }));
            router.refresh();
          }}
        />
      )}
    </div>
  );
}
