import "server-only";
import { z } from "zod";
import { actionsMatchingWords } from "@/lib/audit-words";
import { db } from "@/lib/db";
import { likeLiteral } from "@/lib/db-like";
import type { Prisma } from "@/lib/generated/prisma/client";

export const auditQuerySchema = z.object({
  action: z.string().trim().max(64).optional().catch(undefined),
  actor: z.string().trim().max(100).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  /** Words that must each appear in the actor, action, target, detail or the action's sentence. */
  q: z.string().trim().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;
export const AUDIT_PAGE_SIZE = 50;

/**
 * Each word of a search must appear somewhere in the event: its actor, action, target or detail
 * (SQLite's LIKE ignores ASCII case), or the fixed words of its sentence ("issued", "revoked").
 */
function searchWhere(text: string): Prisma.AuditEventWhereInput[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8)
    .map((word) => {
      const contains = likeLiteral(word);
      return {
        OR: [
          { actor: { contains } },
          { action: { contains } },
          { target: { contains } },
          { detail: { contains } },
          { action: { in: actionsMatchingWords(word) } },
        ],
      };
    });
}

function whereOf(q: AuditQuery): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  if (q.q) where.AND = searchWhere(q.q);
  if (q.action) where.action = { startsWith: likeLiteral(q.action) };
  if (q.actor) where.actor = { contains: likeLiteral(q.actor) };
  if (q.from || q.to) {
    where.at = {
      ...(q.from ? { gte: new Date(`${q.from}T00:00:00Z`) } : {}),
      ...(q.to ? { lt: new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
    };
  }
  return where;
}

export async function listAuditEvents(q: AuditQuery) {
  const where = whereOf(q);
  const [total, rows] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (q.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
  ]);
  return { total, rows, pageSize: AUDIT_PAGE_SIZE };
}

/** Every matching event, oldest first, for export. */
export async function* exportAuditEvents(q: AuditQuery) {
  const where = whereOf(q);
  let cursor = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { ...where, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: 1000,
    });
    if (rows.length === 0) return;
    yield* rows;
    cursor = rows[rows.length - 1].id;
  }
}

export async function listAuditActions(): Promise<string[]> {
  const rows = await db.auditEvent.findMany({
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
  return rows.map((r) => r.action);
}

const CSV_COLUMNS = ["id", "at", "actor", "action", "target", "detail", "ip"] as const;

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
function csvCell(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The export as a stream of text chunks: CSV, or a JSON array. */
export async function* renderAuditExport(q: AuditQuery, format: "csv" | "json"): AsyncGenerator<string> {
  if (format === "csv") yield `${CSV_COLUMNS.join(",")}\r\n`;
  else yield "[";
  let first = true;
  for await (const e of exportAuditEvents(q)) {
    if (format === "csv") {
      yield `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(",")}\r\n`;
    } else {
      let detail: unknown = e.detail;
      try {
        detail = JSON.parse(e.detail);
      } catch {}
      yield `${first ? "\n" : ",\n"}${JSON.stringify({ ...e, at: e.at.toISOString(), detail })}`;
      first = false;
    }
  }
  if (format === "json") yield "\n]\n";
}

/** What callers who are not signed in leave: failed or throttled sign-ins, and the note that logging was limited. */
const ANONYMOUS_ACTIONS = ["auth.login_failed", "auth.login_throttled", "auth.audit_limited"];

/** Deletes the oldest `excess` events matching `where` (by id); returns how many went. */
async function deleteOldest(where: Prisma.AuditEventWhereInput, excess: number): Promise<number> {
  if (excess <= 0) return 0;
  const last = await db.auditEvent.findFirst({ where, orderBy: { id: "asc" }, skip: excess - 1, select: { id: true } });
  if (!last) return (await db.auditEvent.deleteMany({ where })).count;
  return (await db.auditEvent.deleteMany({ where: { ...where, id: { lte: last.id } } })).count;
}

/**
 * Applies the retention settings: events older than `days` are deleted, and past `count` the
 * oldest go, failed sign-ins first. Anyone can produce those, so a flood of them cannot push an
 * admin's actions out of a count-limited log. With both null (the default) everything is kept.
 */
export async function pruneAuditLog(
  retention: { days: number | null; count: number | null },
  now = new Date(),
): Promise<number> {
  let removed = 0;
  if (retention.days !== null) {
    const cutoff = new Date(now.getTime() - retention.days * 86_400_000);
    removed += (await db.auditEvent.deleteMany({ where: { at: { lt: cutoff } } })).count;
  }
  if (retention.count !== null) {
    const excess = (await db.auditEvent.count()) - retention.count;
    const anonymous = await deleteOldest({ action: { in: ANONYMOUS_ACTIONS } }, excess);
    removed += anonymous + (await deleteOldest({}, excess - anonymous));
  }
  return removed;
}
