import { runAlerts } from "@/lib/monitoring/alert-deliver";
import { apiRoute } from "../../_lib/handler";

/** Runs the alert check now: what deserves an alert, what of it is new, and what each channel was sent. */
export const POST = apiRoute(
  async () => {
    const run = await runAlerts();
    return Response.json({
      checkedAt: run.checkedAt,
      found: run.found,
      alerts: run.recorded,
      deliveries: run.deliveries,
    });
  },
  { permission: "settings" },
);
