import { alertOnMismatch, probeHost } from "@/lib/monitoring/host-probe";
import { apiRoute } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";
import { probeJson } from "../../../_lib/serialize";

/** Probes the host now: `{checkedAt, endpoints: [{address, port, ok, error?, servedSerial?, ...}]}`. */
export const POST = apiRoute<{ id: string }>(
  async ({ principal, params }) => {
    const probe = await probeHost(routeId(params.id, "host"), "api", principal);
    alertOnMismatch(probe);
    return Response.json(probeJson(probe));
  },
  { permission: "inventory" },
);
