import { createClient, listClients } from "@/lib/inventory/clients";
import { clientCreateSchema } from "@/lib/inventory/clients.schema";
import { clientListQuerySchema } from "@/lib/list-query.schema";
import { apiRoute, parseQuery, readJson } from "../_lib/handler";
import { clientJson } from "../_lib/serialize";

export const GET = apiRoute(async ({ request }) => {
  const q = parseQuery(request, clientListQuerySchema);
  const { total, rows } = await listClients(q);
  return Response.json({
    total,
    page: q.page,
    pageSize: q.pageSize,
    clients: rows.map((c) => ({ ...clientJson(c), currentCertificateId: c.current?.id ?? null })),
  });
});

export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, clientCreateSchema);
    return Response.json(clientJson(await createClient(principal, input)), { status: 201 });
  },
  { permission: "inventory" },
);
