// Times every Prisma call the app makes (a model operation or a raw query, inside transactions too)
// as its caller waits for it: the client's own work included, which SQLite's statement times
// (support of lib/test-support/query-log.ts) leave out. Wraps the client kept on globalThis, so
// install it before lib/db.ts is first imported, after installQueryLog if both are wanted.
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface CallTotal {
  call: string;
  count: number;
  totalMs: number;
}

export function installPrismaCallTimer() {
  const holder = globalThis as unknown as { dockpkiPrisma?: PrismaClient };
  if (!holder.dockpkiPrisma) throw new Error("Create the Prisma client first (installQueryLog), then time its calls.");
  let label: string | null = null;
  const filed = new Map<string, Map<string, number[]>>();
  holder.dockpkiPrisma = holder.dockpkiPrisma.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const name = label;
        if (!name) return query(args);
        const start = performance.now();
        try {
          return await query(args);
        } finally {
          const byLabel = filed.get(name) ?? new Map<string, number[]>();
          filed.set(name, byLabel);
          const call = `${model ? `${model}.` : ""}${operation}`;
          byLabel.set(call, [...(byLabel.get(call) ?? []), performance.now() - start]);
        }
      },
    },
  }) as unknown as PrismaClient;

  return {
    /** Calls made from now on are filed under this name (null: not filed). */
    fileUnder(name: string | null) {
      label = name;
    },
    /** Every kind of call filed under a name, the most time first. */
    totals(name: string): CallTotal[] {
      return [...(filed.get(name) ?? new Map<string, number[]>())]
        .map(([call, ms]) => ({ call, count: ms.length, totalMs: ms.reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.totalMs - a.totalMs);
    },
  };
}
