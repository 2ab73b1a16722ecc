import { z } from "zod";
import { commonListFields, resolveSort, sortFields } from "@/lib/list-query.schema";

export const CERTIFICATE_SORTS = ["name", "ca", "expiry", "created"] as const;

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
    ...sortFields(CERTIFICATE_SORTS),
  })
  .transform(({ sort, dir, ...rest }) => ({ ...rest, ...defaultOrder(rest.status, sort, dir) }));

/** Without a sort, what expires first leads the lists that are about time; otherwise newest first. */
function defaultOrder(status: string, sort: string | undefined, dir: "asc" | "desc" | undefined) {
  if (sort) return resolveSort<(typeof CERTIFICATE_SORTS)[number]>(sort, dir, "created");
  if (status === "active" || status === "expiring") return { sort: "expiry" as const, dir: dir ?? "asc" };
  if (status === "expired") return { sort: "expiry" as const, dir: dir ?? "desc" };
  return { sort: "created" as const, dir: dir ?? "desc" };
}

export type CertificateQuery = z.output<typeof certificateQuerySchema>;
