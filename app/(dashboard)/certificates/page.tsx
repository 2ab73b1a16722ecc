import type { Metadata } from "next";
import { BulkBar } from "@/app/_components/bulk-bar";
import { BulkSelection } from "@/app/_components/bulk-selection";
import { FilterForm } from "@/app/_components/filter-form";
import { Pagination } from "@/app/_components/pagination";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { listCertificates } from "@/lib/certificates/certificates";
import { certificateQuerySchema } from "@/lib/certificates/query.schema";
import { pageQuery } from "@/lib/list-query.schema";
import { revokeSelectedAction, startSelectedReissueAction } from "./actions";
import { CertificateList } from "./certificate-list";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const locked = lockedFor(await requireAdmin());
  const raw = await searchParams;
  const q = pageQuery(certificateQuerySchema, raw);
  const { total, rows } = await listCertificates(q);
  // Only an order someone chose travels with the filters; otherwise each status keeps its own default.
  const chosen = raw.sort ? { sort: q.sort, dir: q.dir } : {};
  const params = {
    status: q.status,
    days: String(q.days),
    kind: q.kind,
    q: q.q,
    expiresFrom: q.expiresFrom,
    expiresTo: q.expiresTo,
    ...chosen,
  };
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Certificates</h1>
          <p>Every certificate issued, what it is for, and when it expires.</p>
        </div>
      </div>
      <FilterForm>
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
        <label className="row" style={{ gap: 6 }}>
          Expires from
          <input type="date" name="expiresFrom" defaultValue={q.expiresFrom ?? ""} style={{ width: "auto" }} />
        </label>
        <label className="row" style={{ gap: 6 }}>
          to
          <input type="date" name="expiresTo" defaultValue={q.expiresTo ?? ""} style={{ width: "auto" }} />
        </label>
        {raw.sort ? (
          <>
            <input type="hidden" name="sort" value={q.sort} />
            <input type="hidden" name="dir" value={q.dir} />
          </>
        ) : null}
        <button type="submit" className="secondary">
          Apply
        </button>
      </FilterForm>
      <BulkSelection pageIds={rows.map((c) => c.id)}>
        <BulkBar
          noun="certificate"
          rows={rows.map((c) => ({ id: c.id, certificateId: c.id, certificateStatus: c.status }))}
          reissueAction={startSelectedReissueAction}
          revokeAction={revokeSelectedAction}
          allow={{
            issue: !locked.issue,
            download: !locked.download,
            revoke: !locked.revoke,
            delete: !locked.inventory,
          }}
        />
        <CertificateList rows={rows} query={q} params={params} />
      </BulkSelection>
      <Pagination page={q.page} pageSize={q.pageSize} total={total} basePath="/certificates" params={params} />
    </>
  );
}
