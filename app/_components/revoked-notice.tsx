import { formatDate } from "@/lib/dates";
import { daysUntil } from "@/lib/renewal/lifetime";

// dockerd reads no CRL, and Docker clients do not either: a revoked certificate keeps working
// wherever it is installed until it expires. Say exactly when that is.
const UNTIL_THEN = {
  client: "Until then dockerd still accepts it, since dockerd reads no revocation list.",
  host: "Until then the host can still serve it: Docker clients do not check the revocation list.",
} as const;

/** When a holder's revoked certificate stops working, or nothing when its certificate is not revoked. */
export function RevokedNotice({
  kind,
  cert,
}: {
  kind: "host" | "client";
  cert: { status: string; notAfter: Date } | null;
}) {
  if (cert?.status !== "revoked") return null;
  const now = new Date();
  if (cert.notAfter <= now) {
    return (
      <p className="muted" data-testid="revoked-until">
        Revoked, and its certificate expired on {formatDate(cert.notAfter)}: it works nowhere now.
      </p>
    );
  }
  const days = daysUntil(cert.notAfter, now);
  return (
    <p className="notice warn" data-testid="revoked-until">
      Revoked: it can no longer renew; its certificate expires in {days} day{days === 1 ? "" : "s"} (
      {formatDate(cert.notAfter)}). {UNTIL_THEN[kind]}
    </p>
  );
}
