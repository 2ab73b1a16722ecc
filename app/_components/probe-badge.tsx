import { formatDateTime } from "@/lib/dates";

const LABEL: Record<string, { text: string; tone: string }> = {
  current: { text: "serving current", tone: "ok" },
  old: { text: "old serial", tone: "danger" },
  "wrong-name": { text: "wrong name", tone: "danger" },
  untrusted: { text: "untrusted certificate", tone: "danger" },
  unreachable: { text: "unreachable", tone: "warn" },
};

/** What the host's daemon served at the last live probe, with the reason when it is not right. */
export function ProbeBadge({
  status,
  summary,
  checkedAt,
  showSummary = false,
}: {
  status: string | null;
  summary: string | null;
  checkedAt: Date | string | null;
  showSummary?: boolean;
}) {
  if (!status) return <span className="muted">not probed</span>;
  const label = LABEL[status] ?? { text: status, tone: "" };
  return (
    <span className="stack" style={{ gap: 2 }} data-testid="probe-badge" data-status={status}>
      <span className={`badge ${label.tone}`} title={`${summary ?? ""} (${formatDateTime(checkedAt)})`}>
        {label.text}
      </span>
      {showSummary || status !== "current" ? (
        <span className="muted" style={{ fontSize: "0.85em" }}>
          {summary}
        </span>
      ) : null}
    </span>
  );
}
