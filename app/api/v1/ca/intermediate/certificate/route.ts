import { intermediateActivateSchema } from "@/lib/ca/ca.schema";
import { activateIntermediate } from "@/lib/ca/intermediate";
import { apiRoute, readJson } from "../../../_lib/handler";
import { caJson } from "../../../_lib/serialize";

/** Activates the waiting issuing CA with its signed certificate and the root's (never the root's key). */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, intermediateActivateSchema);
    const { ca, warnings } = await activateIntermediate(principal, input);
    return Response.json(caJson(ca, warnings), { status: 201 });
  },
  { permission: "ca" },
);
