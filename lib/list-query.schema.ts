import { z } from "zod";

/** The query fields every list shares: search text, the "expiring" window, and paging. */
export function commonListFields(maxPageSize: number) {
  return {
    q: z.string().trim().max(200, "q is at most 200 characters.").optional(),
    days: z.coerce
      .number("days must be a number.")
      .int()
      .min(1, "days is at least 1.")
      .max(3650, "days is at most 3650.")
      .default(30),
    page: z.coerce.number("page must be a number.").int().min(1, "page is at least 1.").max(1_000_000).default(1),
    pageSize: z.coerce
      .number("pageSize must be a number.")
      .int()
      .min(1, "pageSize is at least 1.")
      .max(maxPageSize, `pageSize is at most ${maxPageSize}.`)
      .default(50),
  };
}

export const sortDirSchema = z.enum(["asc", "desc"], "dir is asc or desc.");
export type SortDir = z.infer<typeof sortDirSchema>;

/**
 * `sort` names a column and `dir` its direction. `sort=-name` (the older spelling, still taken by
 * the API) means name descending when no `dir` is given.
 */
export function sortFields<const S extends readonly [string, ...string[]]>(columns: S) {
  const spellings = [...columns, ...columns.map((c) => `-${c}`)];
  const message = `sort is one of ${columns.join(", ")}.`;
  return {
    sort: z
      .string(message)
      .refine((s) => spellings.includes(s), message)
      .optional(),
    dir: sortDirSchema.optional(),
  };
}

/** Turns `sort` and `dir` as parsed into a column and a direction. */
export function resolveSort<S extends string>(
  sort: string | undefined,
  dir: SortDir | undefined,
  fallback: S,
): { sort: S; dir: SortDir } {
  if (!sort) return { sort: fallback, dir: dir ?? "asc" };
  const descending = sort.startsWith("-");
  return { sort: (descending ? sort.slice(1) : sort) as S, dir: dir ?? (descending ? "desc" : "asc") };
}

const filterField = z
  .enum(
    ["all", "never-issued", "valid", "expiring", "expired", "revoked"],
    "filter is one of all, never-issued, valid, expiring, expired, revoked.",
  )
  .default("all");

function inventoryListSchema<const S extends readonly [string, ...string[]]>(columns: S) {
  return z
    .object({ ...commonListFields(200), filter: filterField, ...sortFields(columns) })
    .transform(({ sort, dir, ...rest }) => ({ ...rest, ...resolveSort<S[number]>(sort, dir, "name") }));
}

/** The columns the host list sorts by (the list's headers). */
export const HOST_SORTS = ["name", "created", "port", "role", "tls", "config", "labels", "expiry"] as const;
export const CLIENT_SORTS = ["name", "created", "kind", "expiry"] as const;

/** Search, filter, sort and page of the host list (query strings). */
export const hostListQuerySchema = inventoryListSchema(HOST_SORTS);
/** Search, filter, sort and page of the client list (query strings). */
export const clientListQuerySchema = inventoryListSchema(CLIENT_SORTS);

export type HostListQuery = z.output<typeof hostListQuerySchema>;
export type ClientListQuery = z.output<typeof clientListQuerySchema>;
/** What the host and client lists share. */
export type ListQuery = HostListQuery | ClientListQuery;

/** For pages: a URL someone edited by hand shows the whole list rather than an error. The API is strict. */
export function pageQuery<S extends z.ZodType>(schema: S, searchParams: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(searchParams);
  return parsed.success ? parsed.data : schema.parse({});
}

/** The most rows one bulk action takes: a whole page of the longest list. */
export const MAX_SELECTED = 500;

/** The ids a bulk action was given (rows ticked in a list), each once. */
export function selectedIdsSchema(noun: string) {
  return z
    .array(z.uuid(`Unknown ${noun}.`), `ids is a list of ${noun} ids.`)
    .min(1, `Select at least one ${noun}.`)
    .max(MAX_SELECTED, `Select at most ${MAX_SELECTED} at a time.`)
    .transform((ids) => [...new Set(ids)]);
}
