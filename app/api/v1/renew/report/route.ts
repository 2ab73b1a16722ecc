import { clientAddressOf } from "@/lib/auth/client-address";
import { reportRequestSchema } from "@/lib/renewal/renewal.schema";
import { recordAgentReport } from "@/lib/renewal/report";
import { readJson, selfAuthenticatingRoute } from "../../_lib/handler";

/** The agent's outcome after a renewal attempt, signed like the renewal itself. */
export const POST = selfAuthenticatingRoute(async ({ request }) => {
  const body = await readJson(request, reportRequestSchema);
  await recordAgentReport(body, clientAddressOf(request.headers));
  return new Response(null, { status: 204 });
});
