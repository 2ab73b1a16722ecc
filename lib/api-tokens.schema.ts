import { z } from "zod";

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, "Name the token after what uses it, e.g. ci-deploy.")
  .max(64, "A token name is at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, "Use letters, digits, spaces, '.', '_', '@' or '-'.");

/** What a token may do: the whole API, or read /metrics only (for Prometheus). */
export const TOKEN_SCOPES = ["admin", "metrics"] as const;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES, "Choose admin or metrics.");
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** "dpk_" and 43 base64url characters (32 random bytes). */
export const bearerTokenSchema = z.string().regex(/^dpk_[A-Za-z0-9_-]{43}$/);
