import Link from "next/link";
import { RowCheckbox, SelectAllCheckbox } from "@/app/_components/bulk-selection";
import { CertBadge } from "@/app/_components/cert-badge";
import { ExpiryText } from "@/app/_components/expiry-text";
import { RenewalFailedBadge } from "@/app/_components/renewal-failed-badge";
import { SortHeader } from "@/app/_components/sort-header";
import { TableScroll } from "@/app/_components/table-scroll";
import { formatDate } from "@/lib/dates";
import type { listClients } from "@/lib/inventory/clients";
import type { ClientListQuery } from "@/lib/list-query.schema";

const KIND = { person: "Person", ci: "CI server", service: "Service" } as const;

export function ClientTable({
  rows,
  query,
  params,
  empty,
}: {
  rows: Awaited<ReturnType<typeof listClients>>["rows"];
  query: ClientListQuery;
  params: Record<string, string | undefined>;
  empty: React.ReactNode;
}) {
  const header = (label: string, column: ClientListQuery["sort"]) => (
    <SortHeader label={label} column={column} current={query} basePath="/clients" params={params} />
  );
  return (
    <TableScroll label="Clients">
      <table>
        <thead>
          <tr>
            <th className="select">
              <SelectAllCheckbox />
            </th>
            {header("Name", "name")}
            {header("Kind", "kind")}
            <th>Certificate</th>
            {header("Expires", "expiry")}
            {header("Added", "created")}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((c) => (
              <tr key={c.id}>
                <td className="select">
                  <RowCheckbox id={c.id} name={c.name} />
                </td>
                <td>
                  <Link href={`/clients/${c.id}`}>{c.name}</Link>
                </td>
                <td>{KIND[c.kind]}</td>
                <td>
                  <CertBadge cert={c.current} />
                  <RenewalFailedBadge outcome={c.agentReportOutcome} />
                </td>
                <td>
                  <ExpiryText cert={c.current} />
                </td>
                <td>{formatDate(c.createdAt)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}
