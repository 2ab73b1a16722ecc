import { clientIp } from "@/lib/auth/current";
import { openBundleSet } from "@/lib/certificates/bundle-set";
import { jobBundleIds } from "@/lib/certificates/job-results";
import { getJob } from "@/lib/certificates/jobs";
import { ConflictError } from "@/lib/errors";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { zipResponse } from "../../../_lib/zip-response";

/** The bundles of a job's new certificates that are still current, as one zip. */
export const GET = apiRoute<{ id: string }>(
  async ({ principal, params }) => {
    const job = await getJob(routeId(params.id, "job"));
    const ids = await jobBundleIds(job.id);
    if (ids.length === 0) {
      throw new ConflictError(
        "This job has no new certificate whose bundle can be downloaded (none yet, or they were replaced or revoked since).",
      );
    }
    const { zip } = await openBundleSet(principal, ids, { ip: await clientIp() });
    return zipResponse(zip, `dockpki-job-${job.id.slice(0, 8)}-bundles.zip`);
  },
  { allowSession: "pages", permission: "download" },
);
