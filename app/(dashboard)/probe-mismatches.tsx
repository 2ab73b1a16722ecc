import Link from "next/link";
import { ProbeBadge } from "@/app/_components/probe-badge";
import { TableScroll } from "@/app/_components/table-scroll";
import { formatDateTime } from "@/lib/dates";
import { listProbeMismatches } from "@/lib/monitoring/host-probe";

/** Overview: daemons that served another certificate than their current one at the last probe. */
export async function ProbeMismatches() {
  const { total, rows } = await listProbeMismatches();
  // Nothing to say while every probed daemon serves what it should (or nothing was probed).
  if (total === 0) return null;
  return (
    <section className="panel" aria-labelledby="mismatch-h" data-testid="probe-mismatches">
      <h2 id="mismatch-h">Daemons serving the wrong certificate</h2>
      <p className="muted">
        At their last probe these daemons did not serve their current certificate for every name: clients dialing them
        fail, or will when the old certificate expires. Install the host's current bundle, then Check now.
      </p>
      <TableScroll label="Daemons serving the wrong certificate">
        <table>
          <thead>
            <tr>
              <th>Host</th>
              <th>Found</th>
              <th>Checked</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h) => (
              <tr key={h.id}>
                <td>
                  <Link href={`/hosts/${h.id}`}>{h.name}</Link>
                </td>
                <td>
                  <ProbeBadge status={h.lastProbeStatus} summary={h.lastProbeSummary} checkedAt={h.lastProbeAt} />
                </td>
                <td>{formatDateTime(h.lastProbeAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {total > rows.length ? (
        <p className="muted" style={{ margin: "12px 0 0" }}>
          {total - rows.length} more not shown; the host list's Serving column shows every host.
        </p>
      ) : null}
    </section>
  );
}
