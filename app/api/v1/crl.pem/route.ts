import { trustedCrls } from "@/lib/revocations";
import { apiRoute } from "../_lib/handler";
import { pemResponse } from "../_lib/pem-response";

/** The CRL of every CA still trusted, concatenated (two during a rotation), each signed again when due. */
export const GET = apiRoute(async () => pemResponse(await trustedCrls(), "crl.pem", "application/pkix-crl"), {
  allowSession: true,
});
