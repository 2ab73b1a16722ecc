import { z } from "zod";
import { ROLES, TOKEN_SCOPES } from "@/lib/auth/roles";

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, "Name the token after what uses it, e.g. ci-deploy.")
  .max(64, "A token name is at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, "Use letters, digits, spaces, '.', '_', '@' or '-'.");

/** What a token may do: a role, or a narrower scope (lib/auth/roles.ts). */
export const tokenScopeSchema = z.enum(TOKEN_SCOPES, `Choose one of ${TOKEN_SCOPES.join(", ")}.`);

const DURATION = /^(\d{1,5})([hdw])$/;
const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const MAX_TOKEN_LIFE_MS = 5 * 366 * 86_400_000;

/** "30d", "12h", "2w" or an ISO date: when the token stops working. Measured from `now`. */
export function parseTokenExpiry(text: string, now = new Date()): Date | string {
  const value = text.trim();
  const m = DURATION.exec(value);
  const at = m
    ? new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS])
    : /^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(value)
      ? new Date(value)
      : null;
  if (!at || Number.isNaN(at.getTime())) return "Give the expiry as 30d, 12h, 2w or a date such as 2027-06-30.";
  if (at.getTime() <= now.getTime()) return "The expiry must be in the future.";
  if (at.getTime() - now.getTime() > MAX_TOKEN_LIFE_MS)
    return "A token may last at most 5 years; leave the expiry empty for no end.";
  return at;
}

/** The expiry field of the API, the form and the CLI: empty means the token lasts until revoked. */
export const tokenExpirySchema = z
  .string()
  .max(40, "Give the expiry as 30d, 12h, 2w or a date such as 2027-06-30.")
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === "") return null;
    const at = parseTokenExpiry(value);
    if (typeof at === "string") {
      ctx.addIssue({ code: "custom", message: at });
      return z.NEVER;
    }
    return at;
  });

/** `role` (admin, operator, auditor) or `scope` (those or read, issue, metrics): one is enough. */
export const tokenCreateSchema = z
  .object({
    name: tokenNameSchema,
    role: z.enum(ROLES, `Choose one of ${ROLES.join(", ")}.`).optional(),
    scope: tokenScopeSchema.optional(),
    expires: tokenExpirySchema,
  })
  .refine((v) => !v.role || !v.scope || v.role === v.scope, {
    message: "Give a role or a scope, not two different ones.",
    path: ["scope"],
  })
  .transform(({ name, role, scope, expires }) => ({ name, scope: role ?? scope ?? "admin", expires }));
export type TokenCreateInput = z.infer<typeof tokenCreateSchema>;

/** "dpk_" and 43 base64url characters (32 random bytes). */
export const bearerTokenSchema = z.string().regex(/^dpk_[A-Za-z0-9_-]{43}$/);
