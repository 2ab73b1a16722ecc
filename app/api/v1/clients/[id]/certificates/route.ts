import { issueClientCertificate, listHolderCertificates } from "@/lib/certificates";
import { issueSchema } from "@/lib/certificates.schema";
import { getClient } from "@/lib/clients";
import { apiRoute, readJson } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { certificateJson } from "../../../_lib/serialize";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ params }) => {
  const client = await getClient(routeId(params.id, "client"));
  const certs = await listHolderCertificates({ clientId: client.id });
  return Response.json({ certificates: certs.map(certificateJson) });
});

export const POST = apiRoute<Params>(async ({ request, principal, params }) => {
  const id = routeId(params.id, "client");
  const input = await readJson(request, issueSchema);
  return Response.json(certificateJson(await issueClientCertificate(principal, id, input)), { status: 201 });
});
