import type { Metadata } from "next";
import Link from "next/link";
import { CertBadge } from "@/app/_components/cert-badge";
import { Pagination } from "@/app/_components/pagination";
import { TableScroll } from "@/app/_components/table-scroll";
import { requireAdmin } from "@/lib/auth/current";
import { listCertificates } from "@/lib/certificates/certificates";
import { certificateQuerySchema } from "@/lib/certificates/query.schema";
import { formatDateTime } from "@/lib/dates";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireAdmin();
  const parsed = certificateQuerySchema.safeParse(await searchParams);
  const q = parsed.success ? parsed.data : certificateQuerySchema.parse({});
  const { total, rows } = await listCertificates(q);
  const params = { status: q.status, days: String(q.days), kind: q.kind, q: q.q };
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Certificates</h1>
          <p>Every certificate issued, what it is for, and when it expires.</p>
        </div>
      </div>
      <form className="panel row" method="get" aria-label="Filters">
        <input
          type="search"
          name="q"
          defaultValue={q.q ?? ""}
          placeholder="Common name or serial"
          aria-label="Search"
          style={{ flex: "1 1 220px", width: "auto" }}
        />
        <select name="status" defaultValue={q.status} aria-label="Status" style={{ width: "auto" }}>
          <option value="all">All</option>
          <option value="active">Valid</option>
          <option value="expiring">Expiring within…</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
          <option value="superseded">Superseded</option>
        </select>
        <select name="days" defaultValue={String(q.days)} aria-label="Days" style={{ width: "auto" }}>
          {[7, 14, 30, 60, 90].map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
        <select name="kind" defaultValue={q.kind} aria-label="Kind" style={{ width: "auto" }}>
          <option value="all">Servers and clients</option>
          <option value="server">Servers</option>
          <option value="client">Clients</option>
        </select>
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
      <TableScroll label="Certificates">
        <table>
          <thead>
            <tr>
              <th>For</th>
              <th>Kind</th>
              <th>Serial</th>
              <th>State</th>
              <th>Issued</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No certificates match.
                </td>
              </tr>
            ) : (
              rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.hostId ? (
                      <Link href={`/hosts/${c.hostId}`}>{c.holderName}</Link>
                    ) : c.clientId ? (
                      <Link href={`/clients/${c.clientId}`}>{c.holderName}</Link>
                    ) : c.purpose === "monitor" ? (
                      <span title="The dashboard's own client certificate for live probes; its key never leaves the dashboard">
                        {c.commonName} <span className="badge">dashboard monitor</span>
                      </span>
                    ) : (
                      <span title="Its host or client was deleted">{c.commonName} (deleted)</span>
                    )}
                  </td>
                  <td>{c.kind}</td>
                  <td className="mono">
                    <Link href={`/certificates/${c.id}`}>{c.serial}</Link>
                  </td>
                  <td>
                    <CertBadge cert={c} />
                  </td>
                  <td>{formatDateTime(c.createdAt)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={q.page} pageSize={q.pageSize} total={total} basePath="/certificates" params={params} />
    </>
  );
}
