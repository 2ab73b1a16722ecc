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

/** Search, filter, sort and page of the host and client lists (query strings). */
export const listQuerySchema = z.object({
  ...commonListFields(200),
  filter: z
    .enum(
      ["all", "never-issued", "valid", "expiring", "expired", "revoked"],
      "filter is one of all, never-issued, valid, expiring, expired, revoked.",
    )
    .default("all"),
  sort: z
    .enum(["name", "-name", "created", "-created"], "sort is one of name, -name, created, -created.")
    .default("name"),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

/** For pages: a URL someone edited by hand shows the whole list rather than an error. The API is strict. */
export function pageListQuery(searchParams: Record<string, string>): ListQuery {
  const parsed = listQuerySchema.safeParse(searchParams);
  return parsed.success ? parsed.data : listQuerySchema.parse({});
}
