import type { Metadata } from "next";
import { Pagination } from "@/app/_components/pagination";
import { linkAuditEvents } from "@/lib/audit-links";
import { auditQuerySchema, listAuditActions, listAuditEvents } from "@/lib/audit-log";
import { requireAdmin } from "@/lib/auth/current";
import { AuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireAdmin();
  const q = auditQuerySchema.parse(await searchParams);
  const [{ total, rows, pageSize }, actions] = await Promise.all([listAuditEvents(q), listAuditActions()]);
  const links = await linkAuditEvents(rows);
  const filters = { q: q.q, action: q.action, actor: q.actor, from: q.from, to: q.to };
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
      <AuditFilters q={q} actions={actions} />
      <AuditTable rows={rows} links={links} />
      <Pagination page={q.page} pageSize={pageSize} total={total} basePath="/audit" params={filters} />
    </>
  );
}
