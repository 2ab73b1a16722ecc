import { auditExportRoutes } from "../_lib/audit-export";

export const { GET, HEAD } = auditExportRoutes("csv");
