import { cancelJob } from "@/lib/certificates/job-cancel";
import { getJob } from "@/lib/certificates/jobs";
import { apiRoute } from "../../../_lib/handler";
import { jobJson } from "../../../_lib/job-json";
import { routeId } from "../../../_lib/params";

/** Stops a queued or running job from taking more items (409 once it has ended); answers the job. */
export const POST = apiRoute<{ id: string }>(
  async ({ principal, params }) => {
    const id = routeId(params.id, "job");
    await cancelJob(principal, id);
    return Response.json(jobJson(await getJob(id)));
  },
  { allowSession: true, permission: "issue" },
);
