import { ProbeBadge } from "@/app/_components/probe-badge";
import { RowAction } from "@/app/_components/row-action";
import { TableScroll } from "@/app/_components/table-scroll";
import { formatDateTime } from "@/lib/dates";
import type { HostProbeResult } from "@/lib/monitoring/host-probe";
import { probeHostAction } from "../actions";

const short = (serial: string | undefined) => (serial ? `${serial.slice(0, 12)}…` : "—");

/** What the daemon serves right now on each name and address, and the last probes. */
export function ProbePanel({
  hostId,
  tlsMode,
  port,
  probes,
  canProbe = true,
}: {
  hostId: string;
  tlsMode: string;
  port: number;
  probes: HostProbeResult[];
  canProbe?: boolean;
}) {
  const [last, ...history] = probes;
  return (
    <section className="panel" aria-labelledby="probe-h" data-testid="probe-panel">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="probe-h">What the daemon serves</h2>
        {canProbe ? <RowAction action={probeHostAction} id={hostId} label="Check now" danger={false} /> : null}
      </div>
      <p className="muted">
        Check now opens TLS to each of the host's names and addresses on port {port} (3 s at most each) and records the
        certificate it serves.{" "}
        {tlsMode === "mtls"
          ? "With the dashboard's monitoring certificate (CN dockpki-monitor) it then asks GET /version, and nothing else."
          : "This host is TLS only: it is probed without a client certificate, so the Docker version is not asked."}
      </p>
      {last ? (
        <>
          <p>
            <ProbeBadge status={last.status} summary={last.summary} checkedAt={last.checkedAt} showSummary />{" "}
            <span className="muted">checked {formatDateTime(last.checkedAt)}</span>
          </p>
          <TableScroll label="Probed endpoints">
            <table data-testid="probe-endpoints">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Result</th>
                  <th>Serial served</th>
                  <th>Valid until</th>
                  <th>TLS</th>
                  <th>Docker</th>
                </tr>
              </thead>
              <tbody>
                {last.endpoints.map((e) => (
                  <tr key={`${e.address}:${e.port}`}>
                    <td className="mono">
                      {e.address.includes(":") ? `[${e.address}]` : e.address}:{e.port}
                    </td>
                    <td>
                      {e.ok ? <span className="badge ok">ok</span> : <span className="field-error">{e.error}</span>}
                    </td>
                    <td className="mono" title={e.servedSerial}>
                      {short(e.servedSerial)}
                      {e.isCurrent === true ? " (current)" : e.isCurrent === false ? " (not current)" : ""}
                    </td>
                    <td>{formatDateTime(e.servedNotAfter ?? null)}</td>
                    <td>{e.tlsVersion ?? "—"}</td>
                    <td>{e.dockerVersion ? `${e.dockerVersion} (API ${e.apiVersion})` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      ) : (
        <p className="muted">Not probed yet.</p>
      )}
      {history.length > 0 ? (
        <details>
          <summary>Earlier probes ({history.length})</summary>
          <ul data-testid="probe-history">
            {history.map((p) => (
              <li key={p.checkedAt}>
                {formatDateTime(p.checkedAt)} ({p.trigger}):{" "}
                <ProbeBadge status={p.status} summary={null} checkedAt={p.checkedAt} /> {p.summary}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
