import { authenticateBearer } from "@/lib/api-tokens";
import { authorize } from "@/lib/auth/authorize";
import { describeError } from "@/lib/errors";
import { renderMetrics } from "@/lib/monitoring/metrics";
import { getSettings } from "@/lib/settings";
import { jsonError } from "../api/v1/_lib/handler";

/**
 * Prometheus metrics. A bearer token whose role or scope reads metrics (a "metrics" token opens this
 * and nothing else), or none when the "public metrics" setting is on.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    if (!(await getSettings()).publicMetrics) {
      const auth = await authenticateBearer(request.headers.get("authorization"));
      if (!auth.ok) {
        const refused = jsonError(401, auth.message);
        refused.headers.set("www-authenticate", "Bearer");
        return refused;
      }
      authorize(auth.principal, "metrics");
    }
    const { contentType, body } = await renderMetrics();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (err) {
    const report = describeError(err);
    if (report.status === 500) console.error("metrics failed", err);
    return jsonError(report.status, report.message, undefined, report.details);
  }
}
