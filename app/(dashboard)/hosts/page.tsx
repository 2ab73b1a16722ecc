import type { Metadata } from "next";
import Link from "next/link";
import { BulkBar } from "@/app/_components/bulk-bar";
import { BulkSelection } from "@/app/_components/bulk-selection";
import { ListControls, queryParams } from "@/app/_components/list-controls";
import { Pagination } from "@/app/_components/pagination";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { hostIdsNeedingNewBundle } from "@/lib/ca/rotation";
import { listHosts } from "@/lib/inventory/hosts";
import { hostListQuerySchema, pageQuery } from "@/lib/list-query.schema";
import { revokeSelectedAction, startSelectedReissueAction } from "../certificates/actions";
import { deleteSelectedHostsAction } from "./actions";
import { HostTable } from "./host-table";

export const metadata: Metadata = { title: "Hosts" };

export default async function HostsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const locked = lockedFor(await requireAdmin());
  const q = pageQuery(hostListQuerySchema, await searchParams);
  const { total, rows } = await listHosts(q);
  const needsBundle = await hostIdsNeedingNewBundle(rows.map((h) => h.id));
  const params = queryParams(q);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Hosts</h1>
          <p>Docker daemons and the names and addresses their certificates must carry.</p>
        </div>
        {locked.inventory ? null : (
          <Link className="button" href="/hosts/new">
            Add host
          </Link>
        )}
      </div>
      <ListControls query={q} placeholder="Search name, DNS name, IP or label" />
      <BulkSelection pageIds={rows.map((h) => h.id)}>
        <BulkBar
          noun="host"
          rows={rows.map((h) => ({
            id: h.id,
            certificateId: h.current?.id ?? null,
            certificateStatus: h.current?.status ?? null,
          }))}
          reissueAction={startSelectedReissueAction}
          revokeAction={revokeSelectedAction}
          deleteAction={deleteSelectedHostsAction}
          allow={{
            issue: !locked.issue,
            download: !locked.download,
            revoke: !locked.revoke,
            delete: !locked.inventory,
          }}
        />
        <HostTable
          rows={rows}
          query={q}
          params={params}
          needsBundle={needsBundle}
          empty={
            total === 0 && !q.q && q.filter === "all" ? (
              <>
                No hosts yet. <Link href="/hosts/new">Add your first Docker host</Link>.
              </>
            ) : (
              "No hosts match."
            )
          }
        />
      </BulkSelection>
      <Pagination page={q.page} pageSize={q.pageSize} total={total} basePath="/hosts" params={params} />
    </>
  );
}
