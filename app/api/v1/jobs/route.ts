import { z } from "zod";
import { getJob, startReissueJob } from "@/lib/certificates/jobs";
import { daysSchema } from "@/lib/validation";
import { apiRoute, readJson } from "../_lib/handler";
import { jobJson } from "../_lib/job-json";

const jobSchema = z.discriminatedUnion(
  "scope",
  [
    z.object({ scope: z.literal("expiring"), days: daysSchema.default(30), revokeOld: z.boolean().default(false) }),
    z.object({ scope: z.literal("previous-ca"), revokeOld: z.boolean().default(false) }),
  ],
  { error: 'scope is "expiring" (with days) or "previous-ca".' },
);

/** Starts a bulk re-issue: everything expiring within `days`, or everything still under the previous CA. */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const { revokeOld, ...selection } = await readJson(request, jobSchema);
    const job = await startReissueJob(principal, selection, revokeOld);
    return Response.json(jobJson(await getJob(job.id)), { status: 202 });
  },
  { permission: "issue" },
);
