import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { jobJson } from "@/app/api/v1/_lib/job-json";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { jobBundleIds, listJobItems } from "@/lib/certificates/job-results";
import { getJob } from "@/lib/certificates/jobs";
import { formatDateTime } from "@/lib/dates";
import { NotFoundError } from "@/lib/errors";
import { JobProgress } from "./job-progress";
import { JobResults } from "./job-results";

export const metadata: Metadata = { title: "Bulk re-issue" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const locked = lockedFor(await requireAdmin());
  const { id } = await params;
  const job = await getJob(id).catch((err) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  const [items, bundleIds] = await Promise.all([listJobItems(job.id), jobBundleIds(job.id)]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Bulk re-issue</h1>
          <p>
            <Link href="/certificates">Certificates</Link> / started {formatDateTime(job.createdAt)} by {job.createdBy}.
            It runs on the server: close this page and come back any time.
          </p>
        </div>
      </div>
      <section className="panel">
        <JobProgress initial={jobJson(job)} canCancel={!locked.issue} />
      </section>
      <JobResults
        jobId={job.id}
        jobStatus={job.status}
        items={items}
        total={job.total}
        bundles={bundleIds.length}
        canDownload={!locked.download}
      />
    </>
  );
}
