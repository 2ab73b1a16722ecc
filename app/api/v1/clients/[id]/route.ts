import { deleteClient, getClient, updateClient } from "@/lib/inventory/clients";
import { clientPatchSchema } from "@/lib/inventory/clients.schema";
import { apiRoute, readJson } from "../../_lib/handler";
import { routeId } from "../../_lib/params";
import { clientJson } from "../../_lib/serialize";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ params }) =>
  Response.json(clientJson(await getClient(routeId(params.id, "client")))),
);

export const PATCH = apiRoute<Params>(
  async ({ request, principal, params }) => {
    const id = routeId(params.id, "client");
    const patch = await readJson(request, clientPatchSchema);
    return Response.json(clientJson(await updateClient(principal, id, patch)));
  },
  { permission: "inventory" },
);

export const DELETE = apiRoute<Params>(
  async ({ principal, params }) => {
    await deleteClient(principal, routeId(params.id, "client"));
    return new Response(null, { status: 204 });
  },
  { permission: "inventory" },
);
