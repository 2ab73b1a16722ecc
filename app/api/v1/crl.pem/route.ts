import { getActiveCa } from "@/lib/ca/cas";
import { trustedCrls } from "@/lib/certificates/revocations";
import { NotFoundError } from "@/lib/errors";
import { apiRoute } from "../_lib/handler";
import { pemResponse } from "../_lib/pem-response";

/** The CRL of every CA still trusted, concatenated (two during a rotation), each signed again when due. */
export const GET = apiRoute(async () => pemResponse(await trustedCrls(), "crl.pem", "application/pkix-crl"), {
  allowSession: true,
});

/** HEAD says whether there is a CRL without signing one. */
export const HEAD = apiRoute(
  async () => {
    if (!(await getActiveCa())) throw new NotFoundError("There is no certificate authority yet.");
    return new Response(null, { headers: { "Content-Type": "application/pkix-crl", "Cache-Control": "no-store" } });
  },
  { allowSession: true },
);
