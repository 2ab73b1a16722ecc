import "server-only";
import type { Role, TokenScope } from "@/lib/auth/roles";
import type { db, Tx } from "@/lib/db";

/** Who did something: an admin in the browser, an API token, the server-side CLI, or dockpki itself. */
export type Principal =
  | { kind: "admin"; id: string; username: string; role: Role }
  | { kind: "token"; id: string; name: string; scope: TokenScope }
  | { kind: "cli" }
  /** A host's or client's own agent, proven by its certificate's key (renewal, enrollment). */
  | { kind: "host" | "client"; id: string; name: string }
  | { kind: "system" };

export function actorLabel(principal: Principal): string {
  switch (principal.kind) {
    case "admin":
      return `admin:${principal.username}`;
    case "token":
      return `token:${principal.name}`;
    case "host":
    case "client":
      return `${principal.kind}:${principal.name}`;
    default:
      return principal.kind;
  }
}

export interface AuditInput {
  actor: Principal | string;
  action: string;
  target?: string;
  /** Never secrets: names, ids, serials, counts. */
  detail?: Record<string, unknown>;
  ip?: string | null;
}

// What one audit row may hold. Some fields come from people who are not signed in (the username
// of a failed sign-in), so every field is bounded and stripped of control and format characters.
export const AUDIT_LIMITS = { actor: 100, action: 64, target: 200, detail: 4096, ip: 64 } as const;

/** Text as an audit field stores it: one line, no control or invisible format characters, bounded. */
export function auditText(text: string, max: number): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function auditDetail(detail: Record<string, unknown> | undefined): string {
  const json = JSON.stringify(detail ?? {});
  return json.length <= AUDIT_LIMITS.detail ? json : JSON.stringify({ truncated: true, size: json.length });
}

export async function recordAudit(client: Tx | typeof db, event: AuditInput): Promise<void> {
  await client.auditEvent.create({
    data: {
      actor: auditText(typeof event.actor === "string" ? event.actor : actorLabel(event.actor), AUDIT_LIMITS.actor),
      action: auditText(event.action, AUDIT_LIMITS.action),
      target: auditText(event.target ?? "", AUDIT_LIMITS.target),
      detail: auditDetail(event.detail),
      ip: event.ip ? auditText(event.ip, AUDIT_LIMITS.ip) : null,
    },
  });
}

/** An actor label as people read it: "alice", "API token ci-deploy", "the CLI". */
export function describeActor(label: string): string {
  const [kind, ...rest] = label.split(":");
  const name = rest.join(":");
  if (kind === "admin") return name;
  if (kind === "token") return `API token ${name}`;
  if (kind === "user") return `${name} (not signed in)`;
  if (kind === "host" || kind === "client") return `${kind} ${name} (its agent)`;
  return kind === "cli" ? "the CLI" : "dockpki";
}
