// What the hardening added, at fleet size (10,000 hosts, 10,000 clients, 50,000 certificates seeded
// as bench/lists.ts does): start-up's integrity check and the one-time public key hash backfill of
// an upgraded database, the rotation progress of the CA page, the "needs its new bundle" lookups,
// and a sign-in's throttle bookkeeping without its scrypt.
// Run: node --conditions=react-server --import tsx bench/hardening.ts [--runs N]
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { createRecorder, describeMachine, loadAverage } from "./support/measure";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? 10);
const COUNTS = { hosts: 10_000, clients: 10_000, certificates: 50_000 };

console.error(`load average at the start: ${loadAverage()}`);
const temp = await prepareTempDataDir();
const { createCertificateAuthority, retireCertificateAuthority } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { checkDatabaseIntegrity } = await import("@/lib/migrate");
const { backfillPublicKeyHashes } = await import("@/lib/certificates/certificates");
const { getRotationProgress, hostIdsNeedingNewBundle, hostsNeedingNewBundle } = await import("@/lib/ca/rotation");
const { reserveAttempt, releaseAttempt } = await import("@/lib/auth/throttle");
const { seedInventory } = await import("./support/seed");
const { db } = await import("@/lib/db");

const bench = createRecorder({ runs: RUNS, warmup: 2 });
const cli = { kind: "cli" } as const;

const oldCa = await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA", keySize: 2048 }));
const seeded = await seedInventory(COUNTS);
// Every host and client received a bundle from the old CA; a third of the hosts again during the overlap.
await db.$executeRaw`UPDATE "Host" SET "bundleCaIds" = ${JSON.stringify([oldCa.id])}, "bundleDeliveredAt" = ${new Date()}`;
await db.$executeRaw`UPDATE "Client" SET "bundleCaIds" = ${JSON.stringify([oldCa.id])}, "bundleDeliveredAt" = ${new Date()}`;
const newCa = await createCertificateAuthority(
  cli,
  caCreateSchema.parse({ commonName: "Bench CA 2", keySize: 2048 }),
  "rotate",
);
await db.$executeRaw`UPDATE "Host" SET "bundleCaIds" = ${JSON.stringify([newCa.id, oldCa.id])} WHERE rowid % 3 = 0`;

console.log(`\n${describeMachine()}`);
console.log(
  `${COUNTS.hosts} hosts, ${COUNTS.clients} clients, ${seeded.certificates} certificates; 2 warm-up runs discarded`,
);

await bench.measure("PRAGMA quick_check (every start)", () => checkDatabaseIntegrity(temp.databasePath), {
  runs: 3,
  warmup: 1,
  describe: (problem) => problem ?? "ok",
});
const t0 = performance.now();
const hashed = await backfillPublicKeyHashes();
bench.record("public key hash backfill (once, after the upgrade)", [performance.now() - t0], `${hashed} certificates`);

await bench.measure("getRotationProgress (CA page during a rotation)", () => getRotationProgress(newCa.id, oldCa.id), {
  describe: (p) =>
    `${p.trust.hosts} hosts and ${p.trust.clients} clients lack both CAs; ${p.reissue.certificates} to re-issue`,
});

// Retirement needs no valid certificate under the old CA: move them, as a finished bulk job would.
await db.certificate.updateMany({ where: { caId: oldCa.id }, data: { caId: newCa.id } });
await retireCertificateAuthority(cli, oldCa.id);
await bench.measure("hostsNeedingNewBundle (overview after retirement)", () => hostsNeedingNewBundle(), {
  describe: (r) => `${r.count} hosts`,
});
const page = (await db.host.findMany({ select: { id: true }, take: 50, orderBy: { name: "asc" } })).map((h) => h.id);
await bench.measure("hostIdsNeedingNewBundle (one host list page of 50)", () => hostIdsNeedingNewBundle(page), {
  describe: (s) => `${s.size} of 50 marked`,
});

let n = 0;
await bench.measure(
  "sign-in throttle: reserve and release (no scrypt)",
  async () => releaseAttempt(await reserveAttempt(`user${n++ % 100}`, "192.0.2.1", false)),
  { runs: 50 },
);

console.log(`\nload average at the end ${loadAverage()}\n`);
bench.printTable();
await db.$disconnect();
temp.cleanup();
