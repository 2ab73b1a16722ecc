import { sendTestAlert } from "@/lib/monitoring/alert-deliver";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";

/** Sends a test message now: `{ok: true, detail}` with what the channel answered, or `{ok: false, error}`. */
export const POST = apiRoute<{ id: string }>(
  async ({ principal, params }) => Response.json(await sendTestAlert(principal, routeId(params.id, "alert channel"))),
  { permission: "settings" },
);
