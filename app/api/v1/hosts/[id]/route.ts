import { deleteHost, getHost, updateHost } from "@/lib/inventory/hosts";
import { hostPatchSchema } from "@/lib/inventory/hosts.schema";
import { listHostProbes } from "@/lib/monitoring/host-probe";
import { apiRoute, readJson } from "../../_lib/handler";
import { routeId } from "../../_lib/params";
import { hostJson } from "../../_lib/serialize";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ params }) => {
  const host = await getHost(routeId(params.id, "host"));
  const [probe] = await listHostProbes(host.id, 1);
  return Response.json(hostJson(host, probe ?? null));
});

export const PATCH = apiRoute<Params>(
  async ({ request, principal, params }) => {
    const id = routeId(params.id, "host");
    const patch = await readJson(request, hostPatchSchema);
    return Response.json(hostJson(await updateHost(principal, id, patch)));
  },
  { permission: "inventory" },
);

export const DELETE = apiRoute<Params>(
  async ({ principal, params }) => {
    await deleteHost(principal, routeId(params.id, "host"));
    return new Response(null, { status: 204 });
  },
  { permission: "inventory" },
);
