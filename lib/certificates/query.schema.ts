import { z } from "zod";
import { commonListFields } from "@/lib/list-query.schema";

// The list's filter form sends an empty date field as "": that means no bound, not a bad date.
const isoDay = (field: string) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.iso.date(`${field} is a date like 2026-12-07.`).optional());

/** Filters of the certificate list and of GET /api/v1/certificates. */
export const certificateQuerySchema = z
  .object({
    ...commonListFields(500),
    status: z
      .enum(
        ["all", "active", "expiring", "expired", "revoked", "superseded"],
        "status is one of all, active, expiring, expired, revoked, superseded.",
      )
      .default("all"),
    kind: z.enum(["all", "server", "client"], "kind is server, client or all.").default("all"),
    /** Expires on or after this day (UTC). */
    expiresFrom: isoDay("expiresFrom"),
    /** Expires on or before this day (UTC), the whole day included. */
    expiresTo: isoDay("expiresTo"),
  })
  .refine((q) => !q.expiresFrom || !q.expiresTo || q.expiresFrom <= q.expiresTo, {
    message: "expiresFrom is after expiresTo.",
    path: ["expiresTo"],
  });

export type CertificateQuery = z.infer<typeof certificateQuerySchema>;
