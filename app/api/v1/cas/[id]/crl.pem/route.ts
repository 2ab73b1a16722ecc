import { currentCrl } from "@/lib/certificates/revocations";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { pemResponse } from "../../../_lib/pem-response";

/** One CA's CRL, retired CAs included. */
export const GET = apiRoute<{ id: string }>(
  async ({ params }) => {
    const { pem } = await currentCrl(routeId(params.id, "certificate authority"));
    return pemResponse(pem, "crl.pem", "application/pkix-crl");
  },
  { allowSession: true },
);
