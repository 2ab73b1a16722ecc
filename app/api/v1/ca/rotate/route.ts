import { caCreateSchema } from "@/lib/ca/ca.schema";
import { createCertificateAuthority } from "@/lib/ca/cas";
import { apiRoute, readJson } from "../../_lib/handler";
import { caJson } from "../../_lib/serialize";

/** Creates the successor of the active CA; both are trusted until the old one is retired. */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, caCreateSchema);
    const ca = await createCertificateAuthority(principal, input, "rotate");
    return Response.json(caJson(ca), { status: 201 });
  },
  { permission: "ca" },
);
