import { clientIp } from "@/lib/auth/current";
import { openBundleSet } from "@/lib/certificates/bundle-set";
import { bundleSetSchema } from "@/lib/certificates/bundle-set.schema";
import { apiRoute, readForm, readJson } from "../../_lib/handler";
import { zipResponse } from "../../_lib/zip-response";

/** Several bundles as one zip: {"ids": [...]} as JSON, or a dashboard form posting `ids` repeated. */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const form = request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded");
    const { ids } = form ? await readForm(request, bundleSetSchema, ["ids"]) : await readJson(request, bundleSetSchema);
    const { zip, count } = await openBundleSet(principal, ids, { ip: await clientIp() });
    return zipResponse(zip, `dockpki-bundles-${count}.zip`);
  },
  { allowSession: "pages", permission: "download" },
);
