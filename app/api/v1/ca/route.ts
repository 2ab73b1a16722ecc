import { caCreateSchema } from "@/lib/ca/ca.schema";
import { createCertificateAuthority, getActiveCa } from "@/lib/ca/cas";
import { NotFoundError } from "@/lib/errors";
import { apiRoute, readJson } from "../_lib/handler";
import { caJson } from "../_lib/serialize";

export const GET = apiRoute(async () => {
  const ca = await getActiveCa();
  if (!ca) throw new NotFoundError("There is no certificate authority yet.");
  return Response.json(caJson(ca));
});

export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, caCreateSchema);
    const ca = await createCertificateAuthority(principal, input);
    return Response.json(caJson(ca), { status: 201 });
  },
  { permission: "ca" },
);
