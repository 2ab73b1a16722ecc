import Link from "next/link";
import { TableScroll } from "@/app/_components/table-scroll";
import type { AuditRowLinks } from "@/lib/audit-links";
import { describeAuditEvent, parseDetail } from "@/lib/audit-words";
import { formatDateTime } from "@/lib/dates";

interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail: string;
  ip: string | null;
}

function RawDetail({ e }: { e: AuditRow }) {
  const detail = parseDetail(e.detail);
  if (Object.keys(detail).length === 0) return <div className="mono muted">{e.action}</div>;
  return (
    <details>
      <summary className="mono muted">{e.action} details</summary>
      <pre>{JSON.stringify(detail, null, 2)}</pre>
    </details>
  );
}

/** The events, newest first: what happened in words, the raw detail on demand, and where to look. */
export function AuditTable({ rows, links }: { rows: AuditRow[]; links: AuditRowLinks[] }) {
  return (
    <TableScroll label="Audit events">
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Links</th>
            <th>Address</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={4} className="empty">
                No events match.
              </td>
            </tr>
          ) : (
            rows.map((e, i) => (
              <tr key={e.id}>
                <td className="mono">
                  <time dateTime={e.at.toISOString()} title={e.at.toISOString()} style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(e.at)}
                  </time>
                </td>
                <td>
                  <div>{describeAuditEvent(e, { holder: links[i]?.holder })}</div>
                  <RawDetail e={e} />
                </td>
                <td>
                  {links[i]?.links.map((l) => (
                    <div key={l.href}>
                      <Link href={l.href}>{l.label}</Link>
                    </div>
                  ))}
                </td>
                <td className="mono muted">{e.ip ?? ""}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}
