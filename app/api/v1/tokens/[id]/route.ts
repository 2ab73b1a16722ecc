import { revokeApiToken } from "@/lib/api-tokens";
import { apiRoute } from "../../_lib/handler";
import { routeId } from "../../_lib/params";

/** Revokes the token (it stays listed as revoked). */
export const DELETE = apiRoute<{ id: string }>(
  async ({ principal, params }) => {
    await revokeApiToken(principal, { id: routeId(params.id, "token") });
    return new Response(null, { status: 204 });
  },
  { permission: "tokens" },
);
