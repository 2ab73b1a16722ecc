import Link from "next/link";
import { RowCheckbox, SelectAllCheckbox } from "@/app/_components/bulk-selection";
import { CertBadge } from "@/app/_components/cert-badge";
import { ExpiryText } from "@/app/_components/expiry-text";
import { NeedsBundleBadge } from "@/app/_components/needs-bundle";
import { ProbeBadge } from "@/app/_components/probe-badge";
import { RenewalFailedBadge } from "@/app/_components/renewal-failed-badge";
import { SortHeader } from "@/app/_components/sort-header";
import { TableScroll } from "@/app/_components/table-scroll";
import { formatDate } from "@/lib/dates";
import type { listHosts } from "@/lib/inventory/hosts";
import type { HostListQuery } from "@/lib/list-query.schema";

const ROLE = { standalone: "Standalone", "swarm-manager": "Swarm manager" } as const;
const COLUMNS = 12;

export function HostTable({
  rows,
  query,
  params,
  needsBundle,
  empty,
}: {
  rows: Awaited<ReturnType<typeof listHosts>>["rows"];
  query: HostListQuery;
  params: Record<string, string | undefined>;
  needsBundle: Set<string>;
  empty: React.ReactNode;
}) {
  const header = (label: string, column: HostListQuery["sort"]) => (
    <SortHeader label={label} column={column} current={query} basePath="/hosts" params={params} />
  );
  return (
    <TableScroll label="Hosts">
      <table>
        <thead>
          <tr>
            <th className="select">
              <SelectAllCheckbox />
            </th>
            {header("Name", "name")}
            <th>Names and addresses</th>
            {header("Port", "port")}
            {header("Role", "role")}
            {header("TLS", "tls")}
            {header("Config", "config")}
            {header("Labels", "labels")}
            <th>Certificate</th>
            {header("Expires", "expiry")}
            <th>Serving</th>
            {header("Added", "created")}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((h) => (
              <tr key={h.id}>
                <td className="select">
                  <RowCheckbox id={h.id} name={h.name} />
                </td>
                <td>
                  <Link href={`/hosts/${h.id}`}>{h.name}</Link>
                </td>
                <td className="mono">
                  {[...h.dnsNames, ...h.ipAddresses].slice(0, 4).join(", ")}
                  {h.dnsNames.length + h.ipAddresses.length > 4 ? " …" : ""}
                </td>
                <td>{h.port}</td>
                <td>{ROLE[h.role]}</td>
                <td>{h.tlsMode === "tls-only" ? <span className="badge warn">TLS only</span> : "mTLS"}</td>
                <td>{h.configStyle === "systemd" ? "custom.conf" : "daemon.json"}</td>
                <td>{h.labels || <span className="muted">—</span>}</td>
                <td>
                  <CertBadge cert={h.current} />
                  {needsBundle.has(h.id) ? <NeedsBundleBadge /> : null}
                  <RenewalFailedBadge outcome={h.agentReportOutcome} />
                </td>
                <td>
                  <ExpiryText cert={h.current} />
                </td>
                <td>
                  <ProbeBadge status={h.lastProbeStatus} summary={h.lastProbeSummary} checkedAt={h.lastProbeAt} />
                </td>
                <td>{formatDate(h.createdAt)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}
