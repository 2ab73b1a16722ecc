import { z } from "zod";
import { commonListFields, resolveSort, sortFields } from "@/lib/list-query.schema";

export const CERTIFICATE_SORTS = ["name", "ca", "expiry", "created"] as const;

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
    ...sortFields(CERTIFICATE_SORTS),
  })
  .refine((q) => !q.expiresFrom || !q.expiresTo || q.expiresFrom <= q.expiresTo, {
    message: "expiresFrom is after expiresTo.",
    path: ["expiresTo"],
  })
  .transform(({ sort, dir, ...rest }) => ({ ...rest, ...defaultOrder(rest, sort, dir) }));

/** Without a sort, what expires first leads the lists that are about time (a date range too); otherwise newest first. */
function defaultOrder(
  { status, expiresFrom, expiresTo }: { status: string; expiresFrom?: string; expiresTo?: string },
  sort: string | undefined,
  dir: "asc" | "desc" | undefined,
) {
  if (sort) return resolveSort<(typeof CERTIFICATE_SORTS)[number]>(sort, dir, "created");
  if (status === "active" || status === "expiring" || expiresFrom || expiresTo) {
    return { sort: "expiry" as const, dir: dir ?? "asc" };
  }
  if (status === "expired") return { sort: "expiry" as const, dir: dir ?? "desc" };
  return { sort: "created" as const, dir: dir ?? "desc" };
}

export type CertificateQuery = z.output<typeof certificateQuerySchema>;
