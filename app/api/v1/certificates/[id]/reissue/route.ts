import { z } from "zod";
import { reissueCertificate } from "@/lib/certificates/reissue";
import { apiRoute, readJson } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { certificateJson } from "../../../_lib/serialize";

const reissueSchema = z.object({ revokeOld: z.boolean("revokeOld is true or false.").default(false) });

/** Re-issues with the holder's current names and a fresh key; answers with the new certificate. */
export const POST = apiRoute<{ id: string }>(
  async ({ request, principal, params }) => {
    const id = routeId(params.id, "certificate");
    const { revokeOld } = await readJson(request, reissueSchema);
    const cert = await reissueCertificate(principal, id, { revokeReplaced: revokeOld });
    return Response.json(certificateJson(cert), { status: 201 });
  },
  { permission: "issue" },
);
