import { getCertificate } from "@/lib/certificates";
import { revokeCertificate } from "@/lib/revocations";
import { revokeSchema } from "@/lib/revocations.schema";
import { apiRoute, readJson } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { certificateJson } from "../../../_lib/serialize";

export const POST = apiRoute<{ id: string }>(async ({ request, principal, params }) => {
  const id = routeId(params.id, "certificate");
  const { reason } = await readJson(request, revokeSchema);
  await revokeCertificate(principal, id, reason);
  return Response.json(certificateJson(await getCertificate(id)));
});
