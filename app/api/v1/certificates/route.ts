import { listCertificates } from "@/lib/certificates/certificates";
import { listExpiring } from "@/lib/certificates/expiry";
import { certificateQuerySchema } from "@/lib/certificates/query.schema";
import { apiRoute, parseQuery } from "../_lib/handler";
import { certificateJson } from "../_lib/serialize";

export const GET = apiRoute(async ({ request }) => {
  const q = parseQuery(request, certificateQuerySchema);
  const { total, rows } = await listCertificates(q);
  // Monitoring that polls for what expires also hears about the CAs themselves.
  const cas =
    q.status === "expiring" || q.status === "expired" ? (await listExpiring(q.days, new Date(), 0)).cas : undefined;
  return Response.json({
    total,
    page: q.page,
    pageSize: q.pageSize,
    certificates: rows.map((c) => ({ ...certificateJson(c), holderName: c.holderName })),
    ...(cas
      ? {
          certificateAuthorities: cas
            .filter((ca) => (q.status === "expired" ? ca.expired : !ca.expired))
            .map((ca) => ({
              id: ca.id,
              commonName: ca.commonName,
              status: ca.status,
              notAfter: ca.notAfter.toISOString(),
              fingerprintSha256: ca.fingerprint,
            })),
        }
      : {}),
  });
});
