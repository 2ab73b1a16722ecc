import { getCertificate } from "@/lib/certificates/certificates";
import { apiRoute } from "../../_lib/handler";
import { routeId } from "../../_lib/params";
import { certificateJson } from "../../_lib/serialize";

export const GET = apiRoute<{ id: string }>(async ({ params }) =>
  Response.json(certificateJson(await getCertificate(routeId(params.id, "certificate")))),
);
