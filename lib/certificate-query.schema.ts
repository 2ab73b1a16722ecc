import { z } from "zod";

/** Filters of the certificate list and of GET /api/v1/certificates. */
export const certificateQuerySchema = z.object({
  status: z.enum(["all", "active", "expiring", "expired", "revoked", "superseded"], "Unknown status.").default("all"),
  days: z.coerce
    .number("days must be a number.")
    .int()
    .min(1, "days is at least 1.")
    .max(3650, "days is at most 3650.")
    .default(30),
  kind: z.enum(["all", "server", "client"], "kind is server, client or all.").default("all"),
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export type CertificateQuery = z.infer<typeof certificateQuerySchema>;
