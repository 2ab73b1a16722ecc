import type { Metadata } from "next";
import Link from "next/link";
import { BulkBar } from "@/app/_components/bulk-bar";
import { BulkSelection } from "@/app/_components/bulk-selection";
import { ListControls, queryParams } from "@/app/_components/list-controls";
import { Pagination } from "@/app/_components/pagination";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { listClients } from "@/lib/inventory/clients";
import { clientListQuerySchema, pageQuery } from "@/lib/list-query.schema";
import { revokeSelectedAction, startSelectedReissueAction } from "../certificates/actions";
import { deleteSelectedClientsAction } from "./actions";
import { ClientTable } from "./client-table";

export const metadata: Metadata = { title: "Clients" };

export default async function ClientsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const locked = lockedFor(await requireAdmin());
  const q = pageQuery(clientListQuerySchema, await searchParams);
  const { total, rows } = await listClients(q);
  const params = queryParams(q);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Clients</h1>
          <p>People, CI servers and services allowed to talk to your daemons.</p>
        </div>
        {locked.inventory ? null : (
          <Link className="button" href="/clients/new">
            Add client
          </Link>
        )}
      </div>
      <ListControls query={q} placeholder="Search name or notes" />
      <BulkSelection pageIds={rows.map((c) => c.id)}>
        <BulkBar
          noun="client"
          rows={rows.map((c) => ({
            id: c.id,
            certificateId: c.current?.id ?? null,
            certificateStatus: c.current?.status ?? null,
          }))}
          reissueAction={startSelectedReissueAction}
          revokeAction={revokeSelectedAction}
          deleteAction={deleteSelectedClientsAction}
          allow={{
            issue: !locked.issue,
            download: !locked.download,
            revoke: !locked.revoke,
            delete: !locked.inventory,
          }}
        />
        <ClientTable
          rows={rows}
          query={q}
          params={params}
          empty={
            total === 0 && !q.q && q.filter === "all" ? (
              <>
                No clients yet. <Link href="/clients/new">Add the first one</Link>.
              </>
            ) : (
              "No clients match."
            )
          }
        />
      </BulkSelection>
      <Pagination page={q.page} pageSize={q.pageSize} total={total} basePath="/clients" params={params} />
    </>
  );
}
