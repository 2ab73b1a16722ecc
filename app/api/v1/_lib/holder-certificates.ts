import "server-only";
import { issueClientCertificate, issueHostCertificate, listHolderCertificates } from "@/lib/certificates/certificates";
import { issueSchema } from "@/lib/certificates/certificates.schema";
import { getClient } from "@/lib/inventory/clients";
import { getHost } from "@/lib/inventory/hosts";
import { apiRoute, readJson } from "./handler";
import { routeId } from "./params";
import { certificateJson } from "./serialize";

const HOLDERS = {
  host: { find: getHost, issue: issueHostCertificate },
  client: { find: getClient, issue: issueClientCertificate },
} as const;

/** GET (history) and POST (issue) of /api/v1/hosts/{id}/certificates and /clients/{id}/certificates. */
export function holderCertificateRoutes(kind: keyof typeof HOLDERS) {
  const holder = HOLDERS[kind];
  return {
    GET: apiRoute<{ id: string }>(async ({ params }) => {
      const { id } = await holder.find(routeId(params.id, kind));
      const certs = await listHolderCertificates(kind === "host" ? { hostId: id } : { clientId: id });
      return Response.json({ certificates: certs.map(certificateJson) });
    }),
    POST: apiRoute<{ id: string }>(
      async ({ request, principal, params }) => {
        const id = routeId(params.id, kind);
        const input = await readJson(request, issueSchema);
        return Response.json(certificateJson(await holder.issue(principal, id, input)), { status: 201 });
      },
      { permission: "issue" },
    ),
  };
}
