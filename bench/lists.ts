// List pages at 10,000 rows: 10,000 hosts, 10,000 clients and 50,000 certificates seeded straight
// into a temporary data directory, then the lib/ list functions, the pages and the JSON API of the
// production server on it, and the database's plan for the slowest statements.
// Run: node --conditions=react-server --import tsx bench/lists.ts [--runs N] [--no-lib] [--no-http] [--app-dir DIR] [--port P]
//        [--postgres]
// (--app-dir: serve another checkout, e.g. a built copy, so a build here does not disturb others; --postgres: the
// same on a throwaway PostgreSQL cluster with its default durability settings, VACUUMed and ANALYZEd after seeding)
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPostgres, TEST_POSTGRES_ENV } from "@/lib/test-support/postgres";
import { explainPostgresQuery, explainQuery, installQueryLog } from "@/lib/test-support/query-log";
import { prepareTempDataDir, repoRoot } from "@/lib/test-support/temp-data-dir";
import { createRecorder, describeMachine, loadAverage } from "./support/measure";
import { getPage, startServer } from "./support/server";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? 10);
const LIB = !process.argv.includes("--no-lib");
const HTTP = !process.argv.includes("--no-http");
const APP_DIR = path.resolve(arg("app-dir") ?? repoRoot);
const PORT = Number(arg("port") ?? 3400);
const POSTGRES = process.argv.includes("--postgres");
const COUNTS = { hosts: 10_000, clients: 10_000, certificates: 50_000 };

console.error(`load average at the start: ${loadAverage()}`);
if (POSTGRES) {
  // prepareTempDataDir makes a database in the cluster named here, as it does for the tests' PostgreSQL pass.
  const cluster = await startPostgres({ durable: true });
  process.env[TEST_POSTGRES_ENV] = cluster.url;
  process.on("exit", () => cluster.stop());
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
}
const temp = await prepareTempDataDir();
const queryLog = installQueryLog(temp);
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { listHosts } = await import("@/lib/inventory/hosts");
const { listClients } = await import("@/lib/inventory/clients");
const { listCertificates } = await import("@/lib/certificates/certificates");
const { clientListQuerySchema, hostListQuerySchema } = await import("@/lib/list-query.schema");
const { certificateQuerySchema } = await import("@/lib/certificates/query.schema");
const { getOverview } = await import("@/lib/overview");
const { countExpiring, listExpiring } = await import("@/lib/certificates/expiry");
const { countReissueCandidatesByHolder } = await import("@/lib/certificates/jobs");
const { getExpiryTimeline } = await import("@/lib/certificates/timeline");
const { getStartChecklist } = await import("@/lib/overview");
const { getSettings } = await import("@/lib/settings");
const { createAdmin } = await import("@/lib/admins");
const { createSession } = await import("@/lib/auth/sessions");
const { createApiToken } = await import("@/lib/api-tokens");
const { seedInventory } = await import("./support/seed");
const { db } = await import("@/lib/db");

const lib = createRecorder({ runs: RUNS, warmup: 2 });
const http = createRecorder({ runs: RUNS, warmup: 2 });
const cli = { kind: "cli" } as const;

await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA" }));
const t0 = performance.now();
const seeded = await seedInventory(COUNTS);
// What autovacuum does some time after a bulk load, done now so no figure depends on when it wakes: fresh
// statistics, and the visibility map that lets a count read an index without visiting the table.
if (POSTGRES) await db.$executeRawUnsafe("VACUUM ANALYZE");
const seedMs = performance.now() - t0;
const byStatus = await db.certificate.groupBy({ by: ["status"], _count: true });
console.error(
  `seeded ${COUNTS.hosts} hosts, ${COUNTS.clients} clients, ${seeded.certificates} certificates in ${(seedMs / 1000).toFixed(1)} s ` +
    `(${byStatus.map((s) => `${s.status} ${s._count}`).join(", ")})`,
);

console.log(`\n${describeMachine()}; ${POSTGRES ? `PostgreSQL ${await postgresVersion()}` : "SQLite"}`);
console.log(
  `${COUNTS.hosts} hosts, ${COUNTS.clients} clients, ${seeded.certificates} certificates ` +
    `(${byStatus.map((s) => `${s.status} ${s._count}`).join(", ")}), seeded in ${(seedMs / 1000).toFixed(1)} s; ` +
    "page size 50; 2 warm-up runs discarded (see support/measure.ts for cases over 5 s)",
);

type Listed = { total: number; rows: unknown[] };
const totals = (r: Listed) => `${r.total} match, ${r.rows.length} shown`;
const hosts = (query: Record<string, string>) => () => listHosts(hostListQuerySchema.parse(query));
const clients = (query: Record<string, string>) => () => listClients(clientListQuerySchema.parse(query));
const certs = (query: Record<string, string>) => () => listCertificates(certificateQuerySchema.parse(query));

const libCases: [string, () => Promise<Listed>][] = [
  ["listHosts page 1 (sort name)", hosts({ page: "1" })],
  ["listHosts page 150", hosts({ page: "150" })],
  ["listHosts q=host-77", hosts({ q: "host-77" })],
  ...(["never-issued", "valid", "expiring", "expired", "revoked"] as const).map(
    (filter): [string, () => Promise<Listed>] => [`listHosts filter=${filter}`, hosts({ filter })],
  ),
  ["listHosts filter=expiring page 5", hosts({ filter: "expiring", page: "5" })],
  ["listHosts sort=-name", hosts({ sort: "-name" })],
  ["listHosts sort=created", hosts({ sort: "created" })],
  ["listHosts sort=-created page 150", hosts({ sort: "-created", page: "150" })],
  ["listClients page 1", clients({ page: "1" })],
  ["listClients page 150", clients({ page: "150" })],
  ["listClients q=client-77", clients({ q: "client-77" })],
  ...(["never-issued", "valid", "expiring", "expired", "revoked"] as const).map(
    (filter): [string, () => Promise<Listed>] => [`listClients filter=${filter}`, clients({ filter })],
  ),
  ["listClients sort=-created", clients({ sort: "-created" })],
  ["listCertificates page 1 (all, newest first)", certs({})],
  ["listCertificates page 150", certs({ page: "150" })],
  ["listCertificates status=expiring&days=30", certs({ status: "expiring", days: "30" })],
  ["listCertificates status=active", certs({ status: "active" })],
  ["listCertificates status=expired", certs({ status: "expired" })],
  ["listCertificates status=revoked", certs({ status: "revoked" })],
  ["listCertificates status=superseded page 150", certs({ status: "superseded", page: "150" })],
  ["listCertificates kind=client", certs({ kind: "client" })],
  ["listCertificates q=host-77", certs({ q: "host-77" })],
];
if (LIB) {
  for (const [name, fn] of libCases) {
    queryLog.fileUnder(name);
    await lib.measure(name, fn, { describe: totals });
  }

  // What the home page (expiry dashboard) asks for: the Promise.all of app/(dashboard)/page.tsx,
  // then what its checklist and timeline components ask for.
  const homeData = async () => {
    const settings = await getSettings();
    const [, , expiring, candidates] = await Promise.all([
      getOverview(),
      countExpiring(),
      listExpiring(30, new Date(), 50),
      countReissueCandidatesByHolder({ scope: "expiring", days: 30 }),
    ]);
    const [, weeks] = await Promise.all([getStartChecklist(), getExpiryTimeline(settings)]);
    return { expiring, candidates, weeks };
  };
  const HOME =
    "home page data (overview, expiry counts, 50 expiring, re-issue candidates, checklist, 13-week timeline)";
  queryLog.fileUnder(HOME);
  await lib.measure(HOME, homeData, {
    describe: ({ expiring, candidates }) =>
      `${expiring.total} expiring or expired, ${candidates.hosts + candidates.clients} candidates`,
  });
  queryLog.fileUnder(null);

  // The slowest statement behind each lib measurement of 50 ms or more (up to 8), with the database's plan.
  const slowRows = [...lib.rows]
    .filter((row) => row.median >= 50)
    .sort((a, b) => b.median - a.median)
    .slice(0, 8);
  const plans: string[] = [];
  for (const row of slowRows) {
    const statement = queryLog.slowest(row.name);
    if (!statement) {
      plans.push(`### ${row.name}\n\n(no statement recorded)`);
      continue;
    }
    const plan = temp.databaseUrl
      ? await explainPostgresQuery(temp.databaseUrl, statement)
      : explainQuery(temp.databasePath, statement);
    plans.push(
      `### ${row.name} (median ${row.median.toFixed(1)} ms)\n\n` +
        `Slowest statement: median ${statement.medianMs.toFixed(1)} ms as Prisma timed it (${statement.count} executions).\n\n` +
        `\`\`\`sql\n${statement.sql}\n-- params: ${JSON.stringify(statement.params)}\n\`\`\`\n\n` +
        `\`\`\`\nQUERY PLAN\n${plan}\n\`\`\``,
    );
  }
  console.log(`\nlib/ functions, load average at the end ${loadAverage()}\n`);
  lib.printTable();
  console.log(`\n${plans.join("\n\n")}`);
}

// A slow statement on better-sqlite3 (synchronous) holds the server's only event loop: while one
// list request runs, how long does an unrelated request (the login page) wait?
async function probeWhile(slow: () => Promise<unknown>, probeUrl: string) {
  const probes: number[] = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(probeUrl, { redirect: "manual" }).then((r) => r.text());
      probes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const t = performance.now();
  await slow();
  const ms = performance.now() - t;
  running = false;
  await prober;
  return { ms, worstProbeMs: Math.max(...probes), probes: probes.length };
}

async function measureHttp(): Promise<void> {
  const admin = await createAdmin(cli, { username: "bench", password: "bench-password-0123456789" });
  const { token: session } = await createSession(admin.id);
  const { token: apiToken } = await createApiToken(cli, { name: "bench", scope: "admin", expires: null });
  const logFile = path.join(mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-server-")), "server.log");
  const t = performance.now();
  console.error(`starting the production server from ${APP_DIR} on port ${PORT} (log: ${logFile})`);
  const server = await startServer({
    appDir: APP_DIR,
    port: PORT,
    logFile,
    env: {
      DOCKPKI_DATA_DIR: temp.dir,
      DOCKPKI_MASTER_KEY: process.env.DOCKPKI_MASTER_KEY ?? "",
      ...(temp.databaseUrl ? { DATABASE_URL: temp.databaseUrl } : {}),
    },
  });
  console.error(`server ready after ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const kb = (r: { bytes: number }) => `${(r.bytes / 1024).toFixed(0)} KiB`;
  try {
    const page = (p: string) => () => getPage(server.baseUrl + p, { cookie: `dockpki_session=${session}` });
    const api = (p: string) => () => getPage(server.baseUrl + p, { authorization: `Bearer ${apiToken}` });
    for (const p of [
      "/hosts?page=1",
      "/hosts?page=150",
      "/hosts?filter=expiring",
      "/hosts?filter=valid",
      "/hosts?filter=revoked",
      "/clients?filter=valid",
      "/certificates",
      "/certificates?page=150",
      "/certificates?status=expiring&days=30",
      "/",
    ]) {
      await http.measure(`page GET ${p}`, page(p), { describe: kb });
    }
    for (const p of ["/api/v1/hosts?page=1", "/api/v1/certificates?status=expiring&days=30"]) {
      await http.measure(`API GET ${p}`, api(p), { describe: kb });
    }
    const blocked = await probeWhile(api("/api/v1/hosts?filter=valid"), `${server.baseUrl}/login`);
    http.record(
      "API GET /api/v1/hosts?filter=valid, once, while /login is requested every 250 ms",
      [blocked.ms],
      `slowest of ${blocked.probes} /login requests meanwhile: ${blocked.worstProbeMs.toFixed(0)} ms`,
    );
  } finally {
    await server.stop();
  }
}

if (HTTP) {
  try {
    await measureHttp();
  } catch (err) {
    console.log(`\nThe HTTP part stopped: ${(err as Error).message}`);
    process.exitCode = 1;
  }
  console.log(`\nHTTP, production server (body read to the end), load average at the end ${loadAverage()}\n`);
  http.printTable();
}
temp.cleanup();

async function postgresVersion(): Promise<string> {
  const show = async (setting: string) =>
    Object.values((await db.$queryRawUnsafe<Record<string, string>[]>(`SHOW ${setting}`))[0])[0];
  return `${await show("server_version")} (fsync ${await show("fsync")}, synchronous_commit ${await show("synchronous_commit")})`;
}
