import { createEnrollment } from "@/lib/renewal/enrollment";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";

/** A one-time enrollment command for this client: { token, expiresAt, command }. */
export const POST = apiRoute<{ id: string }>(
  async ({ principal, params }) => {
    const id = routeId(params.id, "client");
    const { token, expiresAt, command, warning } = await createEnrollment(principal, { kind: "client", id });
    return Response.json(
      { token, expiresAt: expiresAt.toISOString(), command, ...(warning ? { warning } : {}) },
      { status: 201 },
    );
  },
  { permission: "inventory" },
);
