import "server-only";
import { db } from "@/lib/db";
import { jsonArrayElements } from "@/lib/db-sql";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ClientListQuery, HostListQuery, ListQuery, SortDir } from "@/lib/list-query.schema";

const DAY_MS = 86_400_000;

/**
 * Each host and client has at most one current certificate (status active, or revoked when it was
 * revoked without a successor); issuing again supersedes the old one. List filters ask about it.
 */
export function currentCertFilter(
  q: Pick<ListQuery, "filter" | "days">,
  now = new Date(),
): Prisma.CertificateListRelationFilter | undefined {
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

const HOST_COLUMNS = {
  name: "name",
  created: "createdAt",
  port: "port",
  role: "role",
  tls: "tlsMode",
  config: "configStyle",
  labels: "labels",
} as const satisfies Record<Exclude<HostListQuery["sort"], "expiry">, keyof Prisma.HostOrderByWithRelationInput>;

const CLIENT_COLUMNS = {
  name: "name",
  created: "createdAt",
  kind: "kind",
} as const satisfies Record<Exclude<ClientListQuery["sort"], "expiry">, keyof Prisma.ClientOrderByWithRelationInput>;

/** Prisma's orderBy for a host-list column; names break ties so pages never overlap. */
export function hostOrderBy(
  sort: Exclude<HostListQuery["sort"], "expiry">,
  dir: SortDir,
): Prisma.HostOrderByWithRelationInput[] {
  const column = HOST_COLUMNS[sort];
  return column === "name" ? [{ name: dir }] : [{ [column]: dir }, { name: "asc" }];
}

export function clientOrderBy(
  sort: Exclude<ClientListQuery["sort"], "expiry">,
  dir: SortDir,
): Prisma.ClientOrderByWithRelationInput[] {
  const column = CLIENT_COLUMNS[sort];
  return column === "name" ? [{ name: dir }] : [{ [column]: dir }, { name: "asc" }];
}

/**
 * One page of ids, ordered by when their active certificate expires; those without one come last
 * whichever the direction. Prisma cannot order by a field of a to-many relation, so the database does
 * it here over the ids the list's own filters matched (passed as one JSON parameter, however many).
 */
export async function pageIdsByExpiry(
  holder: "host" | "client",
  ids: string[],
  dir: SortDir,
  skip: number,
  take: number,
): Promise<string[]> {
  const table = Prisma.raw(holder === "host" ? `"Host"` : `"Client"`);
  const column = Prisma.raw(holder === "host" ? `"hostId"` : `"clientId"`);
  const direction = Prisma.raw(dir === "desc" ? "DESC" : "ASC");
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT t."id" FROM ${table} t
    LEFT JOIN "Certificate" c ON c.${column} = t."id" AND c."status" = 'active'
    WHERE t."id" IN (${jsonArrayElements(JSON.stringify(ids))})
    GROUP BY t."id"
    ORDER BY MIN(c."notAfter") IS NULL, MIN(c."notAfter") ${direction}, t."name" ASC
    LIMIT ${take} OFFSET ${skip}`;
  return rows.map((r) => r.id);
}

/** Rows fetched by id, put back in the order of `ids`. */
export function inOrderOf<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The fields of the current certificate shown in lists. */
export const currentCertSelect = {
  where: { status: { in: ["active", "revoked"] } },
  orderBy: { createdAt: "desc" },
  take: 1,
  select: { id: true, serial: true, status: true, notAfter: true },
} satisfies Prisma.Host$certificatesArgs;
