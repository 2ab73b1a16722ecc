import { formatDate, formatRelativeTime } from "@/lib/dates";

const DAY_MS = 86_400_000;

/**
 * When a current certificate expires, in words ("in 5 days"), red under a week and amber under a
 * month; the words carry the urgency too, so colour is never the only signal.
 */
export function ExpiryText({
  cert,
  now = new Date(),
}: {
  cert: { status: string; notAfter: Date } | null;
  now?: Date;
}) {
  if (!cert) return <span className="muted">—</span>;
  if (cert.status === "revoked") return <span className="muted">revoked</span>;
  const left = cert.notAfter.getTime() - now.getTime();
  const tone = left < 7 * DAY_MS ? "expiry-danger" : left < 30 * DAY_MS ? "expiry-warn" : "";
  const words =
    left <= 0 ? `expired ${formatRelativeTime(cert.notAfter, now)}` : formatRelativeTime(cert.notAfter, now);
  return (
    <time dateTime={cert.notAfter.toISOString()} title={formatDate(cert.notAfter)} className={tone}>
      {words}
    </time>
  );
}
