import { caImportSchema } from "@/lib/ca/ca.schema";
import { importCertificateAuthority } from "@/lib/ca/cas";
import { apiRoute, readJson } from "../../_lib/handler";
import { caJson } from "../../_lib/serialize";

export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, caImportSchema);
    const { ca, warnings } = await importCertificateAuthority(principal, input);
    return Response.json(caJson(ca, warnings), { status: 201 });
  },
  { permission: "ca" },
);
