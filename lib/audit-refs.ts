import { type AuditRowText, parseDetail } from "@/lib/audit-words";

export type HolderKind = "host" | "client";

/** What an audit row points at, as far as the row itself says (ids where recorded, else names). */
export interface AuditRefs {
  holder?: { kind: HolderKind; id?: string; name?: string };
  certificate?: { id?: string; serial?: string };
  job?: string;
  ca?: true;
}

const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
const holderKind = (value: unknown): HolderKind | undefined =>
  value === "host" || value === "client" ? value : undefined;

export function auditRefsOf(row: AuditRowText): AuditRefs {
  const d = parseDetail(row.detail);
  const [area] = row.action.split(".");
  const [actorKind, ...actorName] = row.actor.split(":");
  const target = row.target || undefined;
  switch (area) {
    case "host":
    case "client":
      return { holder: { kind: area, id: text(d.id), name: target } };
    case "enroll": {
      const kind = holderKind(d.kind);
      return kind ? { holder: { kind, id: text(d.id), name: target } } : {};
    }
    case "cert":
    case "agent": {
      // An agent acts for its own host or client; otherwise the certificate leads to its holder.
      const kind = holderKind(actorKind);
      return {
        certificate: { id: text(d.id), serial: text(d.serial) },
        ...(kind ? { holder: { kind, name: actorName.join(":") } } : {}),
      };
    }
    case "ca":
      return { ca: true };
    case "job":
      return text(d.id) ? { job: text(d.id) } : {};
    default:
      return {};
  }
}
