import { auditExportRoute } from "../_lib/audit-export";

export const GET = auditExportRoute("csv");
