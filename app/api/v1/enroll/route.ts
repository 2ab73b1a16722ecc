import { clientAddressOf } from "@/lib/auth/client-address";
import { enroll } from "@/lib/renewal/enrollment";
import { enrollRequestSchema } from "@/lib/renewal/renewal.schema";
import { readJson, selfAuthenticatingRoute } from "../_lib/handler";
import { renewalAnswerResponse } from "../_lib/renewal-answer";

/** The enrollment installer trades its one-time token and a CSR for the first certificate. */
export const POST = selfAuthenticatingRoute(async ({ request }) => {
  const body = await readJson(request, enrollRequestSchema);
  return renewalAnswerResponse(request, await enroll(body, clientAddressOf(request.headers)));
});
