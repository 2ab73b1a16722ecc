import type { ReactNode } from "react";
import { formatDateTime, formatRelativeTime } from "@/lib/dates";
import type { RenewalStatus } from "@/lib/renewal/status";

/** Whether a host or client renews itself, what its agent last said, and when it renews next. */
export function RenewalPanel({
  kind,
  status,
  renewWindow,
  children,
}: {
  kind: "host" | "client";
  status: RenewalStatus;
  /** Hosts: when the agent may restart dockerd. */
  renewWindow?: string | null;
  /** The enrollment control. */
  children: ReactNode;
}) {
  const now = new Date();
  const report = status.lastReport;
  return (
    <section className="panel" aria-labelledby="renewal-h" data-testid="renewal-panel">
      <h2 id="renewal-h">Renewal</h2>
      <dl className="facts" style={{ marginBottom: 18 }}>
        <dt>Renewal</dt>
        <dd data-testid="renewal-state">
          {status.renewsItself ? (
            <>
              <span className="badge ok">on</span> its agent (dockpki-renew) replaces the certificate before it expires
            </>
          ) : (
            <>
              <span className="badge">off</span> {status.offReason}
            </>
          )}
        </dd>
        {kind === "host" ? (
          <>
            <dt>Maintenance window</dt>
            <dd>{renewWindow ?? "none: once a day, at a random time"}</dd>
          </>
        ) : null}
        <dt>Next renewal</dt>
        <dd data-testid="renewal-due">
          {status.dueAt
            ? `${status.dueAt <= now ? "due since " : ""}${formatDateTime(status.dueAt)} (${formatRelativeTime(status.dueAt, now)})`
            : status.renewsItself
              ? "none: there is no valid certificate to renew"
              : "—"}
          {status.overdue ? (
            <>
              {" "}
              <span className="badge danger">overdue</span> the agent should have renewed it by now
            </>
          ) : null}
        </dd>
        <dt>Agent's last report</dt>
        <dd data-testid="agent-report">
          {report ? (
            <>
              <span className={`badge ${report.outcome === "ok" ? "ok" : "danger"}`}>{report.outcome}</span>{" "}
              {formatDateTime(report.at)}
              {report.serial ? (
                <>
                  {" "}
                  for <span className="mono">{report.serial}</span>
                </>
              ) : null}
              {report.message ? (
                <div className={report.outcome === "ok" ? "muted" : "field-error"}>{report.message}</div>
              ) : null}
            </>
          ) : (
            <span className="muted">none yet</span>
          )}
        </dd>
        {kind === "host" ? (
          <>
            <dt>Serving</dt>
            <dd data-testid="agent-serving">{servingText(status.serving)}</dd>
          </>
        ) : null}
      </dl>
      <h3>Enroll with one command</h3>
      {children}
    </section>
  );
}

function servingText(serving: RenewalStatus["serving"]): ReactNode {
  if (serving.state === "current") return <>the current certificate</>;
  if (serving.state === "other") {
    return (
      <>
        <span className="badge warn">old certificate</span> still on serial{" "}
        <span className="mono">{serving.serial}</span>: dockerd has not restarted with the current one yet
      </>
    );
  }
  return serving.serial ? (
    <>
      serial <span className="mono">{serving.serial}</span>
    </>
  ) : (
    <span className="muted">not reported yet</span>
  );
}
