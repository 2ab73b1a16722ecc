// GET /metrics at fleet size (10,000 hosts, 10,000 clients, 50,000 certificates seeded as
// bench/lists.ts does, every host probed): what one Prometheus scrape costs, building the whole text in process (the
// route adds only its token check). The bar: under 200 ms.
// Run: node --conditions=react-server --import tsx bench/metrics.ts [--runs N]
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { createRecorder, describeMachine, loadAverage } from "./support/measure";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? 10);
const COUNTS = { hosts: 10_000, clients: 10_000, certificates: 50_000 };

console.error(`load average at the start: ${loadAverage()}`);
await prepareTempDataDir();
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { renderMetrics } = await import("@/lib/monitoring/metrics");
const { seedInventory } = await import("./support/seed");

const bench = createRecorder({ runs: RUNS, warmup: 2 });
await createCertificateAuthority({ kind: "cli" }, caCreateSchema.parse({ commonName: "Bench CA", keySize: 2048 }));
const seeded = await seedInventory(COUNTS);
// Every host probed once (one in ten serving an old certificate): the probe families at full size.
const { db } = await import("@/lib/db");
await db.$executeRaw`UPDATE "Host" SET "lastProbeAt" = ${new Date()},
  "lastProbeStatus" = CASE WHEN rowid % 10 = 0 THEN 'old' ELSE 'current' END`;

console.log(`\n${describeMachine()}`);
console.log(
  `${COUNTS.hosts} hosts, ${COUNTS.clients} clients, ${seeded.certificates} certificates; 2 warm-up runs discarded`,
);
await bench.measure("renderMetrics (one /metrics scrape)", () => renderMetrics(), {
  describe: (m) => `${Math.round(m.body.length / 1024)} KiB, ${m.body.split("\n").length} lines`,
});
console.log(`\nload average at the end ${loadAverage()}\n`);
bench.printTable();
