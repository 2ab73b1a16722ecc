// Sees the SQL behind a lib/ call: installs the app's Prisma client with query events before
// lib/db.ts is first imported (it reuses a client left on globalThis), files every statement
// under the name of what sent it, and asks SQLite for a statement's plan. Used by bench/lists.ts
// and by the tests that pin the plans of list queries. On PostgreSQL (a databaseUrl) it logs the
// same way, and explainPostgresQuery asks PostgreSQL for the plan.
import Database from "better-sqlite3";
import pg from "pg";
import { postgresAdapter, sqliteAdapter } from "@/lib/db-adapters";
import { transactionScoped } from "@/lib/db-exclusive";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-pg/client";

export interface SlowStatement {
  sql: string;
  params: unknown[];
  /** Median of what Prisma reported for this statement over the measured runs. */
  medianMs: number;
  count: number;
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor((ms.length - 1) / 2)];

export function installQueryLog(database: { databasePath: string; databaseUrl?: string | null }) {
  // The same adapters as lib/db.ts, so the statements seen are those production sends.
  const log = [{ emit: "event", level: "query" }] as const;
  const client = database.databaseUrl
    ? (new PostgresPrismaClient({
        adapter: postgresAdapter(database.databaseUrl),
        log: [...log],
      }) as unknown as PrismaClient<"query">)
    : transactionScoped(new PrismaClient({ adapter: sqliteAdapter(database.databasePath), log: [...log] }));
  (globalThis as unknown as { dockpkiPrisma?: PrismaClient }).dockpkiPrisma = client;
  let label: string | null = null;
  const filed = new Map<string, Map<string, { params: unknown[]; ms: number[] }>>();
  client.$on("query", (e) => {
    if (!label) return;
    const byLabel = filed.get(label) ?? new Map();
    filed.set(label, byLabel);
    const entry = byLabel.get(e.query) ?? { params: JSON.parse(e.params) as unknown[], ms: [] };
    byLabel.set(e.query, entry);
    entry.ms.push(e.duration);
  });

  return {
    /** Statements sent from now on are filed under this name (null: not filed). */
    fileUnder(name: string | null) {
      label = name;
    },
    /** Every statement filed under a name, slowest (by median duration) first. */
    statements(name: string): SlowStatement[] {
      const statements = [...(filed.get(name) ?? new Map<string, { params: unknown[]; ms: number[] }>())].map(
        ([sql, { params, ms }]) => ({ sql, params, medianMs: median(ms), count: ms.length }),
      );
      return statements.sort((a, b) => b.medianMs - a.medianMs);
    },
    /** The statement with the highest median duration among those filed under a name. */
    slowest(name: string): SlowStatement | undefined {
      return this.statements(name)[0];
    },
  };
}

// The adapter stores DateTime as ISO text with "+00:00" and booleans as 0/1; the event logs them
// as Prisma saw them.
const bindable = (p: unknown) =>
  typeof p === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(p)
    ? p.replace("Z", "+00:00")
    : typeof p === "boolean"
      ? Number(p)
      : p;

/** SQLite's plan for a statement, drawn as the sqlite3 shell draws it. */
export function explainQuery(databasePath: string, statement: { sql: string; params: unknown[] }): string {
  const sqlite = new Database(databasePath, { readonly: true });
  try {
    const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params.map(bindable)) as {
      id: number;
      parent: number;
      detail: string;
    }[];
    const depth = new Map<number, number>([[0, -1]]);
    return rows
      .map((r) => {
        const d = (depth.get(r.parent) ?? -1) + 1;
        depth.set(r.id, d);
        return `${"   ".repeat(d)}|--${r.detail}`;
      })
      .join("\n");
  } finally {
    sqlite.close();
  }
}

/**
 * PostgreSQL's plan for a statement as it ran once more (EXPLAIN ANALYZE: read-only statements only), with rows and
 * buffers per step but without per-step timing, whose clock reads can double a scan's time.
 */
export async function explainPostgresQuery(
  databaseUrl: string,
  statement: { sql: string; params: unknown[] },
): Promise<string> {
  if (!/^\s*(SELECT|WITH)\b/i.test(statement.sql)) return "(not a query: not run again)";
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${statement.sql}`,
      statement.params,
    );
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await client.end();
  }
}
