import "server-only";
import { recordAudit } from "@/lib/audit";
import { auditQuerySchema, renderAuditExport } from "@/lib/audit-log";
import { formatDate } from "@/lib/dates";
import { db } from "@/lib/db";
import { apiRoute } from "./handler";

const contentType = (format: "csv" | "json") =>
  format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";

/**
 * GET and HEAD of /api/v1/audit.csv and /api/v1/audit.json, with the audit page's filters. HEAD
 * answers without exporting, so it leaves no audit.export event.
 */
export function auditExportRoutes(format: "csv" | "json") {
  const GET = apiRoute(
    async ({ request, principal }) => {
      const q = auditQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
      await recordAudit(db, { actor: principal, action: "audit.export", detail: { format } });
      const chunks = renderAuditExport(q, format);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
      const stamp = formatDate(new Date());
      return new Response(body, {
        headers: {
          "Content-Type": contentType(format),
          "Content-Disposition": `attachment; filename="dockpki-audit-${stamp}.${format}"`,
          "Cache-Control": "no-store",
        },
      });
    },
    { allowSession: true, permission: "audit" },
  );
  const HEAD = apiRoute(
    async () => new Response(null, { headers: { "Content-Type": contentType(format), "Cache-Control": "no-store" } }),
    { allowSession: true, permission: "audit" },
  );
  return { GET, HEAD };
}
