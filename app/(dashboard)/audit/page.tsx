import type { Metadata } from "next";
import { Pagination } from "@/app/_components/pagination";
import { TableScroll } from "@/app/_components/table-scroll";
import { auditQuerySchema, listAuditActions, listAuditEvents } from "@/lib/audit-log";
import { requireAdmin } from "@/lib/auth/current";
import { formatDateTime } from "@/lib/dates";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireAdmin();
  const q = auditQuerySchema.parse(await searchParams);
  const [{ total, rows, pageSize }, actions] = await Promise.all([listAuditEvents(q), listAuditActions()]);
  const filters = { action: q.action, actor: q.actor, from: q.from, to: q.to };
  const exportQs = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => !!e[1]));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p>Who did what, and when: sign-ins, CA changes, issuing, downloads, revocations, settings.</p>
        </div>
        <div className="row">
          <a className="button secondary small" href={`/api/v1/audit.csv?${exportQs}`}>
            Export CSV
          </a>
          <a className="button secondary small" href={`/api/v1/audit.json?${exportQs}`}>
            Export JSON
          </a>
        </div>
      </div>
      <form className="panel row" method="get" aria-label="Filters">
        <select name="action" defaultValue={q.action ?? ""} aria-label="Action" style={{ width: "auto" }}>
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <input
          type="search"
          name="actor"
          placeholder="Actor"
          defaultValue={q.actor ?? ""}
          aria-label="Actor"
          style={{ width: 180 }}
        />
        <input type="date" name="from" defaultValue={q.from ?? ""} aria-label="From" style={{ width: "auto" }} />
        <input type="date" name="to" defaultValue={q.to ?? ""} aria-label="To" style={{ width: "auto" }} />
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      <TableScroll label="Audit events">
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Details</th>
              <th>Address</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  No events match.
                </td>
              </tr>
            ) : (
              rows.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{formatDateTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    <span className="badge">{e.action}</span>
                  </td>
                  <td>{e.target}</td>
                  <td className="mono muted">{e.detail === "{}" ? "" : e.detail}</td>
                  <td className="mono muted">{e.ip ?? ""}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={q.page} pageSize={pageSize} total={total} basePath="/audit" params={filters} />
    </>
  );
}
