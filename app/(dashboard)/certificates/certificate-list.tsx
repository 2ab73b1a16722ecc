import Link from "next/link";
import { RowCheckbox, SelectAllCheckbox } from "@/app/_components/bulk-selection";
import { CertBadge } from "@/app/_components/cert-badge";
import { ExpiryText } from "@/app/_components/expiry-text";
import { SortHeader } from "@/app/_components/sort-header";
import { TableScroll } from "@/app/_components/table-scroll";
import type { listCertificates } from "@/lib/certificates/certificates";
import type { CertificateQuery } from "@/lib/certificates/query.schema";
import { formatDateTime } from "@/lib/dates";

type Row = Awaited<ReturnType<typeof listCertificates>>["rows"][number];

function Holder({ c }: { c: Row }) {
  if (c.hostId) return <Link href={`/hosts/${c.hostId}`}>{c.holderName}</Link>;
  if (c.clientId) return <Link href={`/clients/${c.clientId}`}>{c.holderName}</Link>;
  if (c.purpose === "monitor") {
    return (
      <span title="The dashboard's own client certificate for live probes; its key never leaves the dashboard">
        {c.commonName} <span className="badge">dashboard monitor</span>
      </span>
    );
  }
  return <span title="Its host or client was deleted">{c.commonName} (deleted)</span>;
}

/** Every certificate on record, one page of them, with the columns it sorts by. */
export function CertificateList({
  rows,
  query,
  params,
}: {
  rows: Row[];
  query: CertificateQuery;
  params: Record<string, string | undefined>;
}) {
  const header = (label: string, column: CertificateQuery["sort"], firstDir: "asc" | "desc" = "asc") => (
    <SortHeader
      label={label}
      column={column}
      current={query}
      basePath="/certificates"
      params={params}
      firstDir={firstDir}
    />
  );
  return (
    <TableScroll label="Certificates">
      <table>
        <thead>
          <tr>
            <th className="select">
              <SelectAllCheckbox />
            </th>
            {header("For", "name")}
            <th>Kind</th>
            <th>Serial</th>
            {header("Issuing CA", "ca")}
            <th>State</th>
            {header("Expires", "expiry")}
            {header("Issued", "created", "desc")}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="empty">
                No certificates match.
              </td>
            </tr>
          ) : (
            rows.map((c) => (
              <tr key={c.id}>
                <td className="select">
                  <RowCheckbox id={c.id} name={`${c.holderName ?? c.commonName} ${c.serial}`} />
                </td>
                <td>
                  <Holder c={c} />
                </td>
                <td>{c.kind}</td>
                <td className="mono">
                  <Link href={`/certificates/${c.id}`}>{c.serial}</Link>
                </td>
                <td>{c.caName}</td>
                <td>
                  <CertBadge cert={c} />
                </td>
                <td>{c.status === "superseded" ? <span className="muted">replaced</span> : <ExpiryText cert={c} />}</td>
                <td>{formatDateTime(c.createdAt)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}
