import { z } from "zod";
import { commonListFields } from "@/lib/list-query.schema";

/** Filters of the certificate list and of GET /api/v1/certificates. */
export const certificateQuerySchema = z.object({
  ...commonListFields(500),
  status: z
    .enum(
      ["all", "active", "expiring", "expired", "revoked", "superseded"],
      "status is one of all, active, expiring, expired, revoked, superseded.",
    )
    .default("all"),
  kind: z.enum(["all", "server", "client"], "kind is server, client or all.").default("all"),
});

export type CertificateQuery = z.infer<typeof certificateQuerySchema>;
