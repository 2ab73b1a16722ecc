import { z } from "zod";

/** Search, filter, sort and page of the host, client and certificate lists (query strings). */
export const listQuerySchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  filter: z.enum(["all", "never-issued", "valid", "expiring", "expired", "revoked"]).default("all").catch("all"),
  days: z.coerce.number().int().min(1).max(3650).default(30).catch(30),
  sort: z.enum(["name", "-name", "created", "-created"]).default("name").catch("name"),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).catch(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50).catch(50),
});

export type ListQuery = z.infer<typeof listQuerySchema>;
