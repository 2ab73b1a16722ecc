import "server-only";
import type { Principal } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { db } from "@/lib/db";
import { describeError } from "@/lib/errors";
import { deleteClient } from "@/lib/inventory/clients";
import { deleteHost } from "@/lib/inventory/hosts";

export interface BulkDeletion {
  deleted: string[];
  refused: { id: string; name: string | null; reason: string }[];
}

/**
 * Deletes each selected row through the one-at-a-time delete, so its rules (and audit) apply to
 * every row; a row it refuses is reported with why, and the others go ahead.
 */
async function deleteEach(
  ids: string[],
  names: Map<string, string>,
  remove: (id: string) => Promise<unknown>,
): Promise<BulkDeletion> {
  const result: BulkDeletion = { deleted: [], refused: [] };
  for (const id of ids) {
    try {
      await remove(id);
      result.deleted.push(names.get(id) ?? id);
    } catch (err) {
      const report = describeError(err);
      if (report.status === 500) console.error(`Deleting ${id} failed:`, err);
      result.refused.push({ id, name: names.get(id) ?? null, reason: report.message });
    }
  }
  return result;
}

export async function deleteHosts(actor: Principal, ids: string[]): Promise<BulkDeletion> {
  authorize(actor, "inventory");
  const rows = await db.host.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return deleteEach(ids, new Map(rows.map((r) => [r.id, r.name])), (id) => deleteHost(actor, id));
}

export async function deleteClients(actor: Principal, ids: string[]): Promise<BulkDeletion> {
  authorize(actor, "inventory");
  const rows = await db.client.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return deleteEach(ids, new Map(rows.map((r) => [r.id, r.name])), (id) => deleteClient(actor, id));
}
