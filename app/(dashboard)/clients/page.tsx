import type { Metadata } from "next";
import Link from "next/link";
import { CertBadge } from "@/app/_components/cert-badge";
import { ListControls, queryParams } from "@/app/_components/list-controls";
import { Pagination } from "@/app/_components/pagination";
import { RenewalFailedBadge } from "@/app/_components/renewal-failed-badge";
import { TableScroll } from "@/app/_components/table-scroll";
import { requireAdmin } from "@/lib/auth/current";
import { listClients } from "@/lib/inventory/clients";
import { pageListQuery } from "@/lib/list-query.schema";

export const metadata: Metadata = { title: "Clients" };

const KIND = { person: "Person", ci: "CI server", service: "Service" } as const;

export default async function ClientsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireAdmin();
  const q = pageListQuery(await searchParams);
  const { total, rows } = await listClients(q);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Clients</h1>
          <p>People, CI servers and services allowed to talk to your daemons.</p>
        </div>
        <Link className="button" href="/clients/new">
          Add client
        </Link>
      </div>
      <ListControls query={q} placeholder="Search name or notes" />
      <TableScroll label="Clients">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Certificate</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={3} className="empty">
                  {total === 0 && !q.q && q.filter === "all" ? (
                    <>
                      No clients yet. <Link href="/clients/new">Add the first one</Link>.
                    </>
                  ) : (
                    "No clients match."
                  )}
                </td>
              </tr>
            ) : (
              rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/clients/${c.id}`}>{c.name}</Link>
                  </td>
                  <td>{KIND[c.kind]}</td>
                  <td>
                    <CertBadge cert={c.current} />
                    <RenewalFailedBadge outcome={c.agentReportOutcome} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={q.page} pageSize={q.pageSize} total={total} basePath="/clients" params={queryParams(q)} />
    </>
  );
}
