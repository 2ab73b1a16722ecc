import { clientAddressOf } from "@/lib/auth/client-address";
import { renewCertificate } from "@/lib/renewal/renew";
import { renewRequestSchema } from "@/lib/renewal/renewal.schema";
import { readJson, selfAuthenticatingRoute } from "../_lib/handler";
import { renewalAnswerResponse } from "../_lib/renewal-answer";

/** A host's or client's agent renews its certificate, proven by the current certificate's key. */
export const POST = selfAuthenticatingRoute(async ({ request }) => {
  const body = await readJson(request, renewRequestSchema);
  return renewalAnswerResponse(request, await renewCertificate(body, clientAddressOf(request.headers)));
});
