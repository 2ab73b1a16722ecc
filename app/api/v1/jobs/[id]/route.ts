import { getJob } from "@/lib/certificates/jobs";
import { apiRoute } from "../../_lib/handler";
import { jobJson } from "../../_lib/job-json";
import { routeId } from "../../_lib/params";

/** Progress of a bulk job; the dashboard's progress bar polls it. */
export const GET = apiRoute<{ id: string }>(
  async ({ params }) => Response.json(jobJson(await getJob(routeId(params.id, "job")))),
  {
    allowSession: true,
  },
);
