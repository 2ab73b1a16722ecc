import { listCas } from "@/lib/ca/cas";
import { apiRoute } from "../_lib/handler";
import { caJson } from "../_lib/serialize";

/** Every CA, newest first, with its state: active (issues), overlap (still trusted), retired. */
export const GET = apiRoute(async () =>
  Response.json({ certificateAuthorities: (await listCas()).map((ca) => caJson(ca)) }),
);
