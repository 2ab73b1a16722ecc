import "server-only";
import type { db, Tx } from "@/lib/db";

/** Who did something: an admin in the browser, an API token, the server-side CLI, or dockpki itself. */
export type Principal =
  | { kind: "admin"; id: string; username: string }
  | { kind: "token"; id: string; name: string }
  | { kind: "cli" }
  | { kind: "system" };

export function actorLabel(principal: Principal): string {
  switch (principal.kind) {
    case "admin":
      return `admin:${principal.username}`;
    case "token":
      return `token:${principal.name}`;
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

export async function recordAudit(client: Tx | typeof db, event: AuditInput): Promise<void> {
  await client.auditEvent.create({
    data: {
      actor: typeof event.actor === "string" ? event.actor : actorLabel(event.actor),
      action: event.action,
      target: event.target ?? "",
      detail: JSON.stringify(event.detail ?? {}),
      ip: event.ip ?? null,
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
  return kind === "cli" ? "the CLI" : "dockpki";
}
