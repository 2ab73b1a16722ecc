import { z } from "zod";
import { deleteAlertChannel, getAlertChannel, setAlertChannelEnabled } from "@/lib/monitoring/alert-channels";
import { apiRoute, readJson } from "../../_lib/handler";
import { routeId } from "../../_lib/params";
import { alertChannelJson } from "../../_lib/serialize";

type Params = { id: string };

/** One channel, as the list shows it; admins only. */
export const GET = apiRoute<Params>(
  async ({ params }) => Response.json(alertChannelJson(await getAlertChannel(routeId(params.id, "alert channel")))),
  { permission: "settings" },
);

/** `{enabled}`: turns a channel off (what waits for it is dropped) or on again. */
export const PATCH = apiRoute<Params>(
  async ({ request, principal, params }) => {
    const id = routeId(params.id, "alert channel");
    const { enabled } = await readJson(request, z.strictObject({ enabled: z.boolean("enabled is true or false.") }));
    return Response.json(alertChannelJson(await setAlertChannelEnabled(principal, id, enabled)));
  },
  { permission: "settings" },
);

export const DELETE = apiRoute<Params>(
  async ({ principal, params }) => {
    await deleteAlertChannel(principal, routeId(params.id, "alert channel"));
    return new Response(null, { status: 204 });
  },
  { permission: "settings" },
);
