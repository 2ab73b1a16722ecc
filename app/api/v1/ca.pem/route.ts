import { trustedCaPems } from "@/lib/ca/cas";
import { NotFoundError } from "@/lib/errors";
import { apiRoute } from "../_lib/handler";
import { pemResponse } from "../_lib/pem-response";

/** Public certificates only: the active CA, and its predecessor during a rotation. */
export const GET = apiRoute(
  async () => {
    const pems = await trustedCaPems();
    if (pems.length === 0) throw new NotFoundError("There is no certificate authority yet.");
    return pemResponse(pems.join(""), "ca.pem", "application/x-pem-file");
  },
  { allowSession: true },
);
