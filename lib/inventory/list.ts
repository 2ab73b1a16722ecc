import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ListQuery } from "@/lib/list-query.schema";

const DAY_MS = 86_400_000;

/**
 * Each host and client has at most one current certificate (status active, or revoked when it was
 * revoked without a successor); issuing again supersedes the old one. List filters ask about it.
 */
export function currentCertFilter(q: ListQuery, now = new Date()): Prisma.CertificateListRelationFilter | undefined {
  const until = new Date(now.getTime() + q.days * DAY_MS);
  switch (q.filter) {
    case "never-issued":
      return { none: {} };
    case "valid":
      return { some: { status: "active", notAfter: { gt: now } } };
    case "expiring":
      return { some: { status: "active", notAfter: { gt: now, lte: until } } };
    case "expired":
      return { some: { status: "active", notAfter: { lte: now } } };
    case "revoked":
      return { some: { status: "revoked" }, none: { status: "active" } };
    default:
      return undefined;
  }
}

export function orderByOf(sort: ListQuery["sort"]) {
  const dir = sort.startsWith("-") ? ("desc" as const) : ("asc" as const);
  return sort.endsWith("name") ? { name: dir } : { createdAt: dir };
}

/** The fields of the current certificate shown in lists. */
export const currentCertSelect = {
  where: { status: { in: ["active", "revoked"] } },
  orderBy: { createdAt: "desc" },
  take: 1,
  select: { id: true, serial: true, status: true, notAfter: true },
} satisfies Prisma.Host$certificatesArgs;
