// Where a server's main thread spent its time, from a V8 CPU profile (node --cpu-prof): samples
// bucketed by the code they were in. Start-up (module loading) and idle time are left out of the
// shares. The libuv thread pool (async key generation) is not in the profile.
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const BUCKETS: [string, (frame: CallFrame) => boolean][] = [
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["RSA signatures and verifications (node:crypto)", (f) => f.url === "node:internal/crypto/sig"],
  ["key and certificate parsing (node:crypto)", (f) => /^node:internal\/crypto\/(keys|x509)$/.test(f.url)],
  ["Prisma client (query plans, results)", (f) => /@prisma\/client|client-runtime-utils/.test(f.url)],
  ["SQLite through the adapter (prepare, run)", (f) => /better-sqlite3/.test(f.url)],
  [
    "PostgreSQL driver and adapter (pg, @prisma/adapter-pg)",
    (f) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types|@prisma\/adapter-pg)\//.test(f.url),
  ],
  [
    "Next.js (routing, request and response)",
    (f) => /next\/dist|\[turbopack\]_runtime|\[root-of-the-server\]/.test(f.url),
  ],
  [
    "HTTP, compression, web streams, socket writes (to clients and to PostgreSQL)",
    (f) =>
      /^node:(internal\/deps\/undici|internal\/webstreams|_http|net|zlib|internal\/streams|internal\/stream_base)/.test(
        f.url,
      ) || /^write(v|Utf8String|Latin1String|Buffer)$/.test(f.functionName),
  ],
  ["AsyncLocalStorage (async_hooks)", (f) => /async_hooks/.test(f.url)],
  ["the app's bundle (lib/, routes, forge, zod)", (f) => /\.next\/server\//.test(f.url)],
];

/** Milliseconds and shares of busy time per bucket, the largest first. */
export function summarizeCpuProfile(file: string): { busyMs: number; rows: { bucket: string; ms: number }[] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas[i]);

  const totals = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === "(idle)") continue;
    let startUp = false;
    for (let x: number | undefined = id; x !== undefined && !startUp; x = parent.get(x)) {
      startUp = /^node:internal\/modules\//.test((byId.get(x) as ProfileNode).callFrame.url);
    }
    if (startUp) continue;
    const bucket = BUCKETS.find(([, test]) => test(frame))?.[0] ?? "other";
    totals.set(bucket, (totals.get(bucket) ?? 0) + us / 1000);
  }
  const rows = [...totals].map(([bucket, ms]) => ({ bucket, ms })).sort((a, b) => b.ms - a.ms);
  return { busyMs: rows.reduce((n, r) => n + r.ms, 0), rows };
}
