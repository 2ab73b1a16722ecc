import { z } from "zod";

/** Search, filter, sort and page of the host and client lists (query strings). */
export const listQuerySchema = z.object({
  q: z.string().trim().max(200, "q is at most 200 characters.").optional(),
  filter: z
    .enum(
      ["all", "never-issued", "valid", "expiring", "expired", "revoked"],
      "filter is one of all, never-issued, valid, expiring, expired, revoked.",
    )
    .default("all"),
  days: z.coerce
    .number("days must be a number.")
    .int()
    .min(1, "days is at least 1.")
    .max(3650, "days is at most 3650.")
    .default(30),
  sort: z
    .enum(["name", "-name", "created", "-created"], "sort is one of name, -name, created, -created.")
    .default("name"),
  page: z.coerce.number("page must be a number.").int().min(1, "page is at least 1.").max(1_000_000).default(1),
  pageSize: z.coerce
    .number("pageSize must be a number.")
    .int()
    .min(1, "pageSize is at least 1.")
    .max(200, "pageSize is at most 200.")
    .default(50),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

/** For pages: a URL someone edited by hand shows the whole list rather than an error. The API is strict. */
export function pageListQuery(searchParams: Record<string, string>): ListQuery {
  const parsed = listQuerySchema.safeParse(searchParams);
  return parsed.success ? parsed.data : listQuerySchema.parse({});
}
