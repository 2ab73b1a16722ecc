import type { Metadata } from "next";
import Link from "next/link";
import { CertBadge } from "@/app/_components/cert-badge";
import { ListControls, queryParams } from "@/app/_components/list-controls";
import { NeedsBundleBadge } from "@/app/_components/needs-bundle";
import { Pagination } from "@/app/_components/pagination";
import { ProbeBadge } from "@/app/_components/probe-badge";
import { RenewalFailedBadge } from "@/app/_components/renewal-failed-badge";
import { TableScroll } from "@/app/_components/table-scroll";
import { requireAdmin } from "@/lib/auth/current";
import { hostIdsNeedingNewBundle } from "@/lib/ca/rotation";
import { listHosts } from "@/lib/inventory/hosts";
import { pageListQuery } from "@/lib/list-query.schema";

export const metadata: Metadata = { title: "Hosts" };

export default async function HostsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireAdmin();
  const q = pageListQuery(await searchParams);
  const { total, rows } = await listHosts(q);
  const needsBundle = await hostIdsNeedingNewBundle(rows.map((h) => h.id));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Hosts</h1>
          <p>Docker daemons and the names and addresses their certificates must carry.</p>
        </div>
        <Link className="button" href="/hosts/new">
          Add host
        </Link>
      </div>
      <ListControls query={q} placeholder="Search name, DNS name, IP or label" />
      <TableScroll label="Hosts">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Names and addresses</th>
              <th>Port</th>
              <th>Config</th>
              <th>Certificate</th>
              <th>Serving</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  {total === 0 && !q.q && q.filter === "all" ? (
                    <>
                      No hosts yet. <Link href="/hosts/new">Add your first Docker host</Link>.
                    </>
                  ) : (
                    "No hosts match."
                  )}
                </td>
              </tr>
            ) : (
              rows.map((h) => (
                <tr key={h.id}>
                  <td>
                    <Link href={`/hosts/${h.id}`}>{h.name}</Link>
                    {h.tlsMode === "tls-only" ? (
                      <span className="badge warn" style={{ marginLeft: 6 }}>
                        TLS only
                      </span>
                    ) : null}
                  </td>
                  <td className="mono">
                    {[...h.dnsNames, ...h.ipAddresses].slice(0, 4).join(", ")}
                    {h.dnsNames.length + h.ipAddresses.length > 4 ? " …" : ""}
                  </td>
                  <td>{h.port}</td>
                  <td>{h.configStyle === "systemd" ? "custom.conf" : "daemon.json"}</td>
                  <td>
                    <CertBadge cert={h.current} />
                    {needsBundle.has(h.id) ? <NeedsBundleBadge /> : null}
                    <RenewalFailedBadge outcome={h.agentReportOutcome} />
                  </td>
                  <td>
                    <ProbeBadge status={h.lastProbeStatus} summary={h.lastProbeSummary} checkedAt={h.lastProbeAt} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={q.page} pageSize={q.pageSize} total={total} basePath="/hosts" params={queryParams(q)} />
    </>
  );
}
