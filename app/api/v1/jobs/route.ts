import { getJob, startReissueJob } from "@/lib/certificates/jobs";
import { reissueJobSchema } from "@/lib/certificates/jobs.schema";
import { apiRoute, readJson } from "../_lib/handler";
import { jobJson } from "../_lib/job-json";

/**
 * Starts a bulk re-issue: everything expiring within `days`, everything still under the previous
 * CA, or exactly the certificates in `ids`.
 */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const { revokeOld, ...selection } = await readJson(request, reissueJobSchema);
    const job = await startReissueJob(principal, selection, revokeOld);
    return Response.json(jobJson(await getJob(job.id)), { status: 202 });
  },
  { permission: "issue" },
);
