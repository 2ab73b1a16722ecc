// Who may do what. Pure data, so the pages can hide what a role cannot do while lib/auth/authorize.ts
// enforces the same table on every write, whatever door (page, action, API, CLI) it came through.

/** People: admin does everything; operator runs the fleet; auditor reads (never a private key). */
export const ROLES = ["admin", "operator", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/** What an API token may do: one of the roles, or a narrower scope. */
export const TOKEN_SCOPES = [...ROLES, "read", "issue", "metrics"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export type Permission =
  | "read" // pages, lists, certificates, public PEMs and CRLs
  | "audit" // the audit log and its exports
  | "metrics" // GET /metrics
  | "inventory" // hosts, clients, enrollment, probes
  | "issue" // issue and re-issue, bulk jobs
  | "download" // a bundle whose key dockpki made (zip, .p12)
  | "revoke"
  | "ca" // create, import, rotate, intermediate, retire
  | "admins"
  | "tokens"
  | "settings"; // settings and alert channels

export const PERMISSIONS: readonly Permission[] = [
  "read",
  "audit",
  "metrics",
  "inventory",
  "issue",
  "download",
  "revoke",
  "ca",
  "admins",
  "tokens",
  "settings",
];

const OPERATOR: readonly Permission[] = ["read", "audit", "metrics", "inventory", "issue", "download", "revoke"];

const GRANTS: Record<TokenScope, readonly Permission[]> = {
  admin: [...OPERATOR, "ca", "admins", "tokens", "settings"],
  operator: OPERATOR,
  auditor: ["read", "audit", "metrics"],
  read: ["read"],
  issue: ["read", "issue", "download"],
  metrics: ["metrics"],
};

export function grants(access: TokenScope, permission: Permission): boolean {
  return GRANTS[access]?.includes(permission) ?? false;
}

/** Whether a role may do everything a token of that scope may: a demoted admin keeps only such tokens. */
export function scopeWithin(scope: TokenScope, role: Role): boolean {
  return PERMISSIONS.every((permission) => !grants(scope, permission) || grants(role, permission));
}

/** The least role that may do it, for "needs the operator role" answers. */
export function leastRoleFor(permission: Permission): Role {
  return [...ROLES].reverse().find((role) => grants(role, permission)) ?? "admin";
}

/** "Issuing certificates", to say what was refused. */
export const PERMISSION_WORDS: Record<Permission, string> = {
  read: "Reading the inventory",
  audit: "Reading the audit log",
  metrics: "Reading metrics",
  inventory: "Changing hosts and clients",
  issue: "Issuing certificates",
  download: "Downloading a bundle with its private key",
  revoke: "Revoking certificates",
  ca: "Changing the CA",
  admins: "Managing admins",
  tokens: "Managing API tokens",
  settings: "Changing settings and alert channels",
};

export const ROLE_WORDS: Record<TokenScope, string> = {
  admin: "admin: everything",
  operator: "operator: inventory, issue, download, revoke",
  auditor: "auditor: reads everything, no private keys",
  read: "read: lists and certificates, no audit log",
  issue: "issue: read, issue and download",
  metrics: "metrics: GET /metrics only",
};

/** The roles that may do it, least first: "operator or admin". */
export function rolesAllowing(permission: Permission): string {
  const roles = [...ROLES].reverse().filter((role) => grants(role, permission));
  return roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}`;
}
