import { certificateState } from "@/lib/certificates/status";
import { formatDate } from "@/lib/dates";

const TONE = { valid: "ok", expiring: "warn", expired: "danger", revoked: "danger", superseded: "" } as const;

/** The state of a holder's current certificate, with its expiry date. */
export function CertBadge({ cert }: { cert: { status: string; notAfter: Date } | null }) {
  if (!cert) return <span className="badge">never issued</span>;
  const state = certificateState(cert);
  return (
    <span className="row" style={{ gap: 6 }}>
      <span className={`badge ${TONE[state]}`}>{state}</span>
      {state !== "revoked" ? <span className="muted">until {formatDate(cert.notAfter)}</span> : null}
    </span>
  );
}
