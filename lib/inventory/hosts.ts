import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { db } from "@/lib/db";
import { likeLiteral } from "@/lib/db-like";
import { ConflictError, InputError, NotFoundError, zodFieldErrors } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type HostInput, type HostPatch, hostCreateSchema, NEEDS_A_SAN } from "@/lib/inventory/hosts.schema";
import { currentCertFilter, currentCertSelect, hostOrderBy, inOrderOf, pageIdsByExpiry } from "@/lib/inventory/list";
import { nameKeyOf } from "@/lib/inventory/name-key";
import type { HostListQuery } from "@/lib/list-query.schema";

const HOST_FIELDS = {
  id: true,
  name: true,
  dnsNames: true,
  ipAddresses: true,
  port: true,
  configStyle: true,
  keepUnixSocket: true,
  localAccess: true,
  tlsMode: true,
  role: true,
  labels: true,
  notes: true,
  createdAt: true,
  updatedAt: true,
  bundleCertificateId: true,
  bundleDeliveredAt: true,
  bundleCaIds: true,
  renewalEnabled: true,
  renewWindow: true,
  keyType: true,
  agentReportAt: true,
  agentReportSerial: true,
  agentReportOutcome: true,
  agentReportMessage: true,
  agentServedSerial: true,
  lastProbeAt: true,
  lastProbeStatus: true,
  lastProbeSummary: true,
} as const;

type HostRow = Prisma.HostGetPayload<{ select: typeof HOST_FIELDS }>;

/** A host as pages, bundles and the API see it: SAN lists parsed, enums narrowed. */
export function toHost(row: HostRow) {
  return {
    ...row,
    dnsNames: JSON.parse(row.dnsNames) as string[],
    ipAddresses: JSON.parse(row.ipAddresses) as string[],
    configStyle: row.configStyle as HostInput["configStyle"],
    tlsMode: row.tlsMode as HostInput["tlsMode"],
    role: row.role as HostInput["role"],
    keyType: row.keyType as HostInput["keyType"],
  };
}

export type Host = ReturnType<typeof toHost>;

/** A new host; renewal settings left out take their defaults (renewal on, any time of day). */
export type NewHost = Omit<HostInput, "renewalEnabled" | "renewWindow" | "keyType"> &
  Partial<Pick<HostInput, "renewalEnabled" | "renewWindow" | "keyType">>;

function toData(input: NewHost) {
  return {
    renewalEnabled: true,
    renewWindow: null,
    ...input,
    nameKey: nameKeyOf(input.name),
    dnsNames: JSON.stringify(input.dnsNames),
    ipAddresses: JSON.stringify(input.ipAddresses),
  };
}

export async function listHosts(q: HostListQuery) {
  const where: Prisma.HostWhereInput = {};
  if (q.q) {
    const text = likeLiteral(q.q);
    where.OR = [
      { name: { contains: text } },
      { dnsNames: { contains: text.toLowerCase() } },
      { ipAddresses: { contains: text.toLowerCase() } },
      { labels: { contains: text } },
    ];
  }
  const certs = currentCertFilter(q);
  if (certs) where.certificates = certs;
  const skip = (q.page - 1) * q.pageSize;
  const select = { ...HOST_FIELDS, certificates: currentCertSelect };
  let total: number;
  let rows: Prisma.HostGetPayload<{ select: typeof select }>[];
  if (q.sort === "expiry") {
    const matched = (await db.host.findMany({ where, select: { id: true } })).map((h) => h.id);
    const ids = await pageIdsByExpiry("host", matched, q.dir, skip, q.pageSize);
    total = matched.length;
    rows = inOrderOf(ids, await db.host.findMany({ where: { id: { in: ids } }, select }));
  } else {
    [total, rows] = await Promise.all([
      db.host.count({ where }),
      db.host.findMany({ where, orderBy: hostOrderBy(q.sort, q.dir), skip, take: q.pageSize, select }),
    ]);
  }
  return { total, rows: rows.map((r) => ({ ...toHost(r), current: r.certificates[0] ?? null })) };
}

export async function getHost(id: string): Promise<Host> {
  const row = await db.host.findUnique({ where: { id }, select: HOST_FIELDS });
  if (!row) throw new NotFoundError("That host does not exist.");
  return toHost(row);
}

/** Names are unique regardless of case: they become file and context names on case-insensitive disks. */
async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const other = await tx.host.findUnique({ where: { nameKey: nameKeyOf(name) }, select: { id: true, name: true } });
  if (other && other.id !== exceptId) {
    throw new ConflictError(
      other.name === name
        ? `A host called ${name} already exists.`
        : `A host called ${other.name} already exists; names may not differ only in case.`,
    );
  }
}

export async function createHost(actor: Principal, input: NewHost): Promise<Host> {
  authorize(actor, "inventory");
  return db.$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const row = await tx.host.create({ data: toData(input), select: HOST_FIELDS });
    await recordAudit(tx, { actor, action: "host.create", target: row.name, detail: { id: row.id } });
    return toHost(row);
  });
}

export async function updateHost(actor: Principal, id: string, patch: HostPatch): Promise<Host> {
  authorize(actor, "inventory");
  return db.$transaction(async (tx) => {
    const row = await tx.host.findUnique({ where: { id }, select: HOST_FIELDS });
    if (!row) throw new NotFoundError("That host does not exist.");
    const { id: _id, createdAt: _c, updatedAt: _u, ...current } = toHost(row);
    const merged = hostCreateSchema.safeParse({ ...current, ...patch });
    if (!merged.success) {
      const fieldErrors = zodFieldErrors(merged.error.issues);
      throw new InputError(
        fieldErrors.dnsNames?.includes(NEEDS_A_SAN) ? NEEDS_A_SAN : "Some fields are invalid.",
        fieldErrors,
      );
    }
    await assertNameFree(tx, merged.data.name, id);
    const updated = await tx.host.update({ where: { id }, data: toData(merged.data), select: HOST_FIELDS });
    const changed = Object.keys(patch).filter(
      (k) => JSON.stringify(current[k as keyof typeof current]) !== JSON.stringify(merged.data[k as keyof HostInput]),
    );
    await recordAudit(tx, { actor, action: "host.update", target: updated.name, detail: { id, changed } });
    return toHost(updated);
  });
}

/** Certificates outlive their host: they stay on record, in the CRL when revoked, and valid until they expire or are revoked. */
/** Deletes the host; its certificates stay on record. Returns its name for the notice. */
export async function deleteHost(actor: Principal, id: string): Promise<{ name: string }> {
  authorize(actor, "inventory");
  return db.$transaction(async (tx) => {
    const row = await tx.host.findUnique({ where: { id }, select: { name: true } });
    if (!row) throw new NotFoundError("That host does not exist.");
    await tx.host.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "host.delete", target: row.name, detail: { id } });
    return { name: row.name };
  });
}

/** Every host, for the client bundle's env files and context commands. */
export async function listAllHosts(): Promise<Host[]> {
  const rows = await db.host.findMany({ select: HOST_FIELDS, orderBy: { name: "asc" } });
  return rows.map(toHost);
}

/** Host names for a picker, alphabetically; a very large fleet is cut at `take`. */
export async function listHostChoices(take = 1000) {
  const [total, hosts] = await Promise.all([
    db.host.count(),
    db.host.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take }),
  ]);
  return { total, hosts };
}
