import { certificateQuerySchema } from "@/lib/certificate-query.schema";
import { listCertificates } from "@/lib/certificates";
import { apiRoute, parseQuery } from "../_lib/handler";
import { certificateJson } from "../_lib/serialize";

export const GET = apiRoute(async ({ request }) => {
  const q = parseQuery(request, certificateQuerySchema);
  const { total, rows } = await listCertificates(q);
  return Response.json({
    total,
    page: q.page,
    pageSize: q.pageSize,
    certificates: rows.map((c) => ({ ...certificateJson(c), holderName: c.holderName })),
  });
});
