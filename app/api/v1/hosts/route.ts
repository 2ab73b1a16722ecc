import { createHost, listHosts } from "@/lib/inventory/hosts";
import { hostCreateSchema } from "@/lib/inventory/hosts.schema";
import { hostListQuerySchema } from "@/lib/list-query.schema";
import { apiRoute, parseQuery, readJson } from "../_lib/handler";
import { hostJson } from "../_lib/serialize";

export const GET = apiRoute(async ({ request }) => {
  const q = parseQuery(request, hostListQuerySchema);
  const { total, rows } = await listHosts(q);
  return Response.json({
    total,
    page: q.page,
    pageSize: q.pageSize,
    hosts: rows.map((h) => ({ ...hostJson(h), currentCertificateId: h.current?.id ?? null })),
  });
});

export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, hostCreateSchema);
    return Response.json(hostJson(await createHost(principal, input)), { status: 201 });
  },
  { permission: "inventory" },
);
