import "server-only";
import type { Principal } from "@/lib/audit";
import {
  grants,
  leastRoleFor,
  PERMISSION_WORDS,
  PERMISSIONS,
  type Permission,
  rolesAllowing,
  type TokenScope,
} from "@/lib/auth/roles";
import { ForbiddenError } from "@/lib/errors";

/**
 * What a principal may do. The CLI runs on the server with the data directory in hand, and dockpki's
 * own work (maintenance, jobs) was allowed when it was started, so both hold every permission. A
 * host's or client's agent holds none here: its own renewal is allowed where it happens.
 */
export function accessOf(principal: Principal): TokenScope | null {
  switch (principal.kind) {
    case "admin":
      return principal.role;
    case "token":
      return principal.scope;
    case "cli":
    case "system":
      return "admin";
    default:
      return null;
  }
}

export function can(principal: Principal, permission: Permission): boolean {
  const access = accessOf(principal);
  return access !== null && grants(access, permission);
}

/** The sentence a refusal says: what was refused, who may do it, and what the caller is. */
export function refusal(principal: Principal, permission: Permission): string {
  const what = PERMISSION_WORDS[permission];
  const who = rolesAllowing(permission);
  const needs = `${what} needs the ${who} role`;
  if (principal.kind === "token") {
    const extra = permission === "issue" || permission === "download" ? " (or the issue scope)" : "";
    return `${needs}${extra}; this API token has the ${principal.scope} ${isRole(principal.scope) ? "role" : "scope"}.`;
  }
  if (principal.kind === "admin") return `${needs}; you are ${article(principal.role)} ${principal.role}.`;
  return `${needs}.`;
}

/** For a page: each permission the principal lacks, with the sentence that says so; null where it is held. */
export function lockedFor(principal: Principal): Record<Permission, string | null> {
  return Object.fromEntries(PERMISSIONS.map((p) => [p, can(principal, p) ? null : refusal(principal, p)])) as Record<
    Permission,
    string | null
  >;
}

/** Every write in lib starts here, so pages, actions, the API and the CLI obey one table. */
export function authorize(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) throw new ForbiddenError(refusal(principal, permission), leastRoleFor(permission));
}

function isRole(scope: TokenScope): boolean {
  return scope === "admin" || scope === "operator" || scope === "auditor";
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}
