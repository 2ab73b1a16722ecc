import { alertChannelInputSchema } from "@/lib/monitoring/alert-channel.schema";
import { createAlertChannel, deliveryBacklog, listAlertChannels } from "@/lib/monitoring/alert-channels";
import { apiRoute, readJson } from "../_lib/handler";
import { alertChannelJson } from "../_lib/serialize";

/**
 * Every channel, without its URL's path, secret or password, with what waits for a retry. Admins only:
 * an SMTP host, login, recipients and last error are for those who may change them, as on Settings.
 */
export const GET = apiRoute(
  async () => {
    const [channels, backlog] = await Promise.all([listAlertChannels(), deliveryBacklog()]);
    return Response.json({ channels: channels.map((c) => alertChannelJson(c, backlog.get(c.id))) });
  },
  { permission: "settings" },
);

/** `{type: "webhook"|"slack"|"email", name, url?, secret?, smtp?: {...}, enabled}`. */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, alertChannelInputSchema);
    return Response.json(alertChannelJson(await createAlertChannel(principal, input)), { status: 201 });
  },
  { permission: "settings" },
);
