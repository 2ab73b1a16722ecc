import { trustedCaPems } from "@/lib/cas";
import { NotFoundError } from "@/lib/errors";
import { apiRoute } from "../_lib/handler";

/** Public certificates only: the active CA, and its predecessor during a rotation. */
export const GET = apiRoute(
  async () => {
    const pems = await trustedCaPems();
    if (pems.length === 0) throw new NotFoundError("There is no certificate authority yet.");
    return new Response(pems.join(""), {
      headers: {
        "Content-Type": "application/x-pem-file",
        "Content-Disposition": 'attachment; filename="ca.pem"',
        "Cache-Control": "no-store",
      },
    });
  },
  { allowSession: true },
);
