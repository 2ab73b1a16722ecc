import { retireCertificateAuthority } from "@/lib/ca/cas";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";

/** Retires the previous CA of a rotation; 409 (with `dependents`) while valid certificates depend on it. */
export const POST = apiRoute<{ id: string }>(
  async ({ principal, params }) => {
    const retired = await retireCertificateAuthority(principal, routeId(params.id, "certificate authority"));
    return Response.json(retired);
  },
  { permission: "ca" },
);
