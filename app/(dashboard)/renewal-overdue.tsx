import Link from "next/link";
import { TableScroll } from "@/app/_components/table-scroll";
import { formatDate, formatDateTime, formatRelativeTime } from "@/lib/dates";
import { listOverdueRenewals } from "@/lib/renewal/status";
import type { Settings } from "@/lib/settings.schema";

/** Overview: agents that should have renewed by now, listed before their certificates expire. */
export async function RenewalOverdue({ settings }: { settings: Settings }) {
  // Without a public URL no agent runs, so nothing can be overdue.
  if (!settings.publicUrl) return null;
  const { total, rows } = await listOverdueRenewals(settings);
  return (
    <section className="panel" aria-labelledby="overdue-h" data-testid="renewal-overdue">
      <h2 id="overdue-h">Renewal overdue</h2>
      {rows.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Every agent is on schedule.
        </p>
      ) : (
        <>
          <TableScroll label="Renewal overdue">
            <table>
              <thead>
                <tr>
                  <th>For</th>
                  <th>Kind</th>
                  <th>Expires</th>
                  <th>Agent's last report</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.certificateId}>
                    <td>
                      <Link href={`/${r.kind === "host" ? "hosts" : "clients"}/${r.holderId}`}>{r.name}</Link>
                    </td>
                    <td>{r.kind}</td>
                    <td>
                      {formatDate(r.notAfter)} ({formatRelativeTime(r.notAfter)})
                    </td>
                    <td>
                      {r.lastReport ? (
                        <>
                          <span className={`badge ${r.lastReport.outcome === "ok" ? "ok" : "danger"}`}>
                            {r.lastReport.outcome === "ok" ? "ok" : "failed"}
                          </span>{" "}
                          {formatDateTime(r.lastReport.at)}
                          {r.lastReport.message ? <div className="muted">{r.lastReport.message}</div> : null}
                        </>
                      ) : (
                        <span className="muted">none: the agent has never reported</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {total > rows.length ? (
            <p className="muted" style={{ margin: "12px 0 0" }}>
              {total - rows.length} more not shown.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
