import { z } from "zod";
import { clientIp } from "@/lib/auth/current";
import { checkBundleAvailable, openBundle } from "@/lib/certificates/downloads";
import { InputError } from "@/lib/errors";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { zipResponse } from "../../../_lib/zip-response";

const hostParam = z.uuid("host must be the id of a host.").optional();

/** The zip of a certificate; a client bundle takes ?host=<hostId> for its env.sh. */
export const GET = apiRoute<{ id: string }>(
  async ({ request, principal, params }) => {
    const url = new URL(request.url);
    const host = hostParam.safeParse(url.searchParams.get("host") || undefined);
    if (!host.success) throw InputError.forField("host", host.error.issues[0].message);
    const { zip, fileName } = await openBundle(principal, routeId(params.id, "certificate"), {
      hostId: host.data,
      ip: await clientIp(),
    });
    return zipResponse(zip, fileName);
  },
  { allowSession: "pages", permission: "download" },
);

/** HEAD answers what a download would (200, 404, 410) without opening the key or logging a download. */
export const HEAD = apiRoute<{ id: string }>(
  async ({ params }) => {
    await checkBundleAvailable(routeId(params.id, "certificate"));
    return new Response(null, { headers: { "Content-Type": "application/zip", "Cache-Control": "no-store" } });
  },
  { allowSession: "pages", permission: "download" },
);
