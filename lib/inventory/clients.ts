import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { db } from "@/lib/db";
import { likeLiteral } from "@/lib/db-like";
import { ConflictError, InputError, NotFoundError, zodFieldErrors } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type ClientInput, type ClientPatch, clientCreateSchema } from "@/lib/inventory/clients.schema";
import { clientOrderBy, currentCertFilter, currentCertSelect, inOrderOf, pageIdsByExpiry } from "@/lib/inventory/list";
import { nameKeyOf } from "@/lib/inventory/name-key";
import type { ClientListQuery } from "@/lib/list-query.schema";

const CLIENT_FIELDS = {
  id: true,
  name: true,
  kind: true,
  notes: true,
  createdAt: true,
  updatedAt: true,
  bundleCaIds: true,
  renewalEnabled: true,
  keyType: true,
  agentReportAt: true,
  agentReportSerial: true,
  agentReportOutcome: true,
  agentReportMessage: true,
} as const;

type ClientRow = Prisma.ClientGetPayload<{ select: typeof CLIENT_FIELDS }>;

export function toClient(row: ClientRow) {
  return { ...row, kind: row.kind as ClientInput["kind"], keyType: row.keyType as ClientInput["keyType"] };
}

export type Client = ReturnType<typeof toClient>;

export async function listClients(q: ClientListQuery) {
  const where: Prisma.ClientWhereInput = {};
  if (q.q) where.OR = [{ name: { contains: likeLiteral(q.q) } }, { notes: { contains: likeLiteral(q.q) } }];
  const certs = currentCertFilter(q);
  if (certs) where.certificates = certs;
  const skip = (q.page - 1) * q.pageSize;
  const select = { ...CLIENT_FIELDS, certificates: currentCertSelect };
  let total: number;
  let rows: Prisma.ClientGetPayload<{ select: typeof select }>[];
  if (q.sort === "expiry") {
    const matched = (await db.client.findMany({ where, select: { id: true } })).map((c) => c.id);
    const ids = await pageIdsByExpiry("client", matched, q.dir, skip, q.pageSize);
    total = matched.length;
    rows = inOrderOf(ids, await db.client.findMany({ where: { id: { in: ids } }, select }));
  } else {
    [total, rows] = await Promise.all([
      db.client.count({ where }),
      db.client.findMany({ where, orderBy: clientOrderBy(q.sort, q.dir), skip, take: q.pageSize, select }),
    ]);
  }
  return { total, rows: rows.map((r) => ({ ...toClient(r), current: r.certificates[0] ?? null })) };
}

export async function getClient(id: string): Promise<Client> {
  const row = await db.client.findUnique({ where: { id }, select: CLIENT_FIELDS });
  if (!row) throw new NotFoundError("That client does not exist.");
  return toClient(row);
}

/** Names are unique regardless of case, as for hosts. */
async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const other = await tx.client.findUnique({ where: { nameKey: nameKeyOf(name) }, select: { id: true, name: true } });
  if (other && other.id !== exceptId) {
    throw new ConflictError(
      other.name === name
        ? `A client called ${name} already exists.`
        : `A client called ${other.name} already exists; names may not differ only in case.`,
    );
  }
}

/** A new client; renewal is on unless it says otherwise. */
export type NewClient = Omit<ClientInput, "renewalEnabled" | "keyType"> &
  Partial<Pick<ClientInput, "renewalEnabled" | "keyType">>;

export async function createClient(actor: Principal, input: NewClient): Promise<Client> {
  authorize(actor, "inventory");
  return db.$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const row = await tx.client.create({ data: { ...input, nameKey: nameKeyOf(input.name) }, select: CLIENT_FIELDS });
    await recordAudit(tx, { actor, action: "client.create", target: row.name, detail: { id: row.id } });
    return toClient(row);
  });
}

export async function updateClient(actor: Principal, id: string, patch: ClientPatch): Promise<Client> {
  authorize(actor, "inventory");
  return db.$transaction(async (tx) => {
    const row = await tx.client.findUnique({ where: { id }, select: CLIENT_FIELDS });
    if (!row) throw new NotFoundError("That client does not exist.");
    const merged = clientCreateSchema.safeParse({
      name: row.name,
      kind: row.kind,
      notes: row.notes,
      renewalEnabled: row.renewalEnabled,
      keyType: row.keyType,
      ...patch,
    });
    if (!merged.success) throw new InputError("Some fields are invalid.", zodFieldErrors(merged.error.issues));
    await assertNameFree(tx, merged.data.name, id);
    const updated = await tx.client.update({
      where: { id },
      data: { ...merged.data, nameKey: nameKeyOf(merged.data.name) },
      select: CLIENT_FIELDS,
    });
    await recordAudit(tx, {
      actor,
      action: "client.update",
      target: updated.name,
      detail: { id, changed: Object.keys(patch) },
    });
    return toClient(updated);
  });
}

/** Certificates outlive their client record: they stay on record, and in the CRL when revoked. */
/** Deletes the client; its certificates stay on record. Returns its name for the notice. */
export async function deleteClient(actor: Principal, id: string): Promise<{ name: string }> {
  authorize(actor, "inventory");
  return db.$transaction(async (tx) => {
    const row = await tx.client.findUnique({ where: { id }, select: { name: true } });
    if (!row) throw new NotFoundError("That client does not exist.");
    await tx.client.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "client.delete", target: row.name, detail: { id } });
    return { name: row.name };
  });
}
