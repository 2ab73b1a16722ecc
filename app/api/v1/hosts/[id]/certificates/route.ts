import { issueHostCertificate, listHolderCertificates } from "@/lib/certificates";
import { issueSchema } from "@/lib/certificates.schema";
import { getHost } from "@/lib/hosts";
import { apiRoute, readJson } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { certificateJson } from "../../../_lib/serialize";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ params }) => {
  const host = await getHost(routeId(params.id, "host"));
  const certs = await listHolderCertificates({ hostId: host.id });
  return Response.json({ certificates: certs.map(certificateJson) });
});

export const POST = apiRoute<Params>(async ({ request, principal, params }) => {
  const id = routeId(params.id, "host");
  const input = await readJson(request, issueSchema);
  return Response.json(certificateJson(await issueHostCertificate(principal, id, input)), { status: 201 });
});
