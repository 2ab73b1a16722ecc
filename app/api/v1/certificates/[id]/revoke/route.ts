import { getCertificate } from "@/lib/certificates/certificates";
import { revokeCertificate } from "@/lib/certificates/revocations";
import { revokeSchema } from "@/lib/certificates/revocations.schema";
import { apiRoute, readJson } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { certificateJson } from "../../../_lib/serialize";

export const POST = apiRoute<{ id: string }>(
  async ({ request, principal, params }) => {
    const id = routeId(params.id, "certificate");
    const { reason } = await readJson(request, revokeSchema);
    await revokeCertificate(principal, id, reason);
    return Response.json(certificateJson(await getCertificate(id)));
  },
  { permission: "revoke" },
);
