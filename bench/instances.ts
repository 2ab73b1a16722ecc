// One dashboard or two on one database, at a fleet's size: 10,000 hosts, 10,000 clients and 50,000
// certificates seeded as bench/lists.ts seeds them (straight into the database, PostgreSQL VACUUMed and
// ANALYZEd after), one database of each kind, served by production servers (`scripts/start.mjs`, which
// builds when the build is stale) with the same master key, an API token made with the CLI. Three cases:
// - SQLite, one instance;
// - PostgreSQL (a throwaway cluster from lib/test-support/postgres.ts with its default durability, fsync and
//   synchronous commit on, as SQLite syncs every commit), one instance;
// - PostgreSQL, two instances on two ports sharing the database, the client taking turns between them as a
//   round-robin load balancer would.
// All three servers are up at once. Before any issuance, the list pages and API lists of bench/lists.ts over
// HTTP on each database, side by side. Then issuances through the JSON API (POST /api/v1/hosts/{id}/certificates
// with an empty body: the default ECDSA P-256 leaf, each request a different seeded host holding a certificate)
// in a closed loop, in rounds that run every case once in a new order (so a change of load on the shared
// machine falls on all alike), with the CPU of the servers and of PostgreSQL from /proc. Then, per case, a
// burst of issuances all for one host, spread over the instances like the rest, so that transactions for the
// same holder overlap, and a check of the database: no host or client with two active certificates (now or
// for a while), no serial twice.
// Run: node --conditions=react-server --import tsx bench/instances.ts [--quick] [--requests N] [--seconds S]
//        [--rounds N] [--in-flight N] [--burst N] [--burst-hosts N] [--runs N] [--no-lists] [--seed N]
//        [--app-dir DIR] [--port P] [--cpu-prof DIR]
// (--port: the first of three loopback ports, otherwise free ones are picked; --quick: 1,000 hosts, a smoke run;
// --cpu-prof: the SQLite instance and the first PostgreSQL one write V8 CPU profiles into DIR, summarized side by
// side at the end; they start without start.mjs's build check, so build first, and --no-lists leaves issuing
// alone in the profiles)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { freePort } from "@/lib/test-support/docker-sandbox";
import { type PostgresCluster, startPostgres } from "@/lib/test-support/postgres";
import { repoRoot } from "@/lib/test-support/temp-data-dir";
import { summarizeCpuProfile } from "./support/cpu-profile";
import { createTokenWithCli } from "./support/dashboard";
import { closedLoop, type Sample } from "./support/load";
import { createRecorder, describeMachine, loadAverage, percentile, type Row, seededShuffle } from "./support/measure";
import { processGroupCpuMs, processTreeCpuMs } from "./support/proc";
import { getPage, type RunningServer, startServer } from "./support/server";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const QUICK = process.argv.includes("--quick");
const COUNTS = QUICK
  ? { hosts: 1_000, clients: 1_000, certificates: 5_000 }
  : { hosts: 10_000, clients: 10_000, certificates: 50_000 };
const REQUESTS = Number(arg("requests") ?? (QUICK ? 48 : 400));
const MAX_MS = 1000 * Number(arg("seconds") ?? (QUICK ? 5 : 30));
const IN_FLIGHT = Number(arg("in-flight") ?? 16);
/** Requests of the burst, all for BURST_HOSTS hosts. */
const BURST = Number(arg("burst") ?? (QUICK ? 32 : 160));
const BURST_HOSTS = Number(arg("burst-hosts") ?? 1);
const RUNS = Number(arg("runs") ?? (QUICK ? 3 : 10));
const APP_DIR = path.resolve(arg("app-dir") ?? repoRoot);
const FIRST_PORT = arg("port") ? Number(arg("port")) : null;
const LISTS = !process.argv.includes("--no-lists");
const CPU_PROF = arg("cpu-prof") ? path.resolve(arg("cpu-prof") as string) : undefined;
const WARM_UP = 8;
/** The throughput's requests are spread over this many rounds. */
const ROUNDS = Number(arg("rounds") ?? (QUICK ? 2 : 4));

/** A seeded order, so a run's shuffles can be repeated (--seed). */
const { seed: seedUsed, shuffled } = seededShuffle(arg("seed"));

const fmt = (ms: number, digits = 1) => (Number.isFinite(ms) ? ms.toFixed(digits) : "—");

// ---------------------------------------------------------------------------------------------
// Seeding: a child process per database, both at once (each is mostly one process's CPU).

interface Seeded {
  certificates: number;
  byStatus: Record<string, number>;
  seedMs: number;
  /** host-1, host-2, ... in order: the first 95% hold certificates, the rest never had one. */
  hostIds: string[];
  /** A session of the admin "bench", for the HTML pages. */
  session: string;
}

function seedDatabase(env: Record<string, string>, label: string): Promise<Seeded> {
  const child = spawn(
    process.execPath,
    [
      ...["--conditions=react-server", "--import", "tsx", path.join(repoRoot, "bench", "support", "seed-database.ts")],
      ...[COUNTS.hosts, COUNTS.clients, COUNTS.certificates].map(String),
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`seeding ${label} exited with ${code}: ${stderr.slice(-1000)}`));
        return;
      }
      resolve(JSON.parse(stdout) as Seeded);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// What each case runs on.

interface Target {
  label: string;
  kind: "sqlite" | "postgresql";
  env: Record<string, string>;
  token: string;
  seeded: Seeded;
  /** Where the check reads: the SQLite file or the PostgreSQL URL. */
  sqlitePath?: string;
  databaseUrl?: string;
}

interface Instance extends RunningServer {
  logFile: string;
  /** Issuances sent to it so far. */
  issued: number;
}

async function startInstance(
  target: Target,
  port: number,
  name: string,
  logDir: string,
  profile = false,
): Promise<Instance> {
  const logFile = path.join(logDir, `${name}.log`);
  const t0 = performance.now();
  console.error(`${name}: starting on port ${port} from ${APP_DIR} (log ${logFile})`);
  let nodeArgs: string[] | undefined;
  if (profile && CPU_PROF) {
    mkdirSync(path.join(CPU_PROF, name), { recursive: true });
    nodeArgs = ["--cpu-prof", `--cpu-prof-dir=${path.join(CPU_PROF, name)}`];
  }
  const server = await startServer({ appDir: APP_DIR, port, env: target.env, logFile, nodeArgs });
  console.error(`${name}: ready after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ...server, logFile, issued: 0 };
}

/** CPU milliseconds so far of each instance's process group and of PostgreSQL's processes (null: not readable). */
function cpuNow(instances: Instance[], postmasterPid: number | null) {
  return {
    servers: instances.map((i) => processGroupCpuMs(i.pid)),
    postgres: postmasterPid === null ? null : processTreeCpuMs(postmasterPid),
  };
}

// ---------------------------------------------------------------------------------------------
// Issuing.

/** One issuance, checked: 201, an ECDSA P-256 certificate with a serial. Any other answer is a problem. */
async function issue(instance: Instance, token: string, hostId: string): Promise<Omit<Sample, "ms">> {
  instance.issued++;
  const res = await fetch(`${instance.baseUrl}/api/v1/hosts/${hostId}/certificates`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
  const text = await res.text();
  if (res.status !== 201) return { problem: `HTTP ${res.status}: ${text.slice(0, 200)}` };
  const cert = JSON.parse(text) as { keyType?: string; serial?: string };
  if (cert.keyType !== "ecdsa-p256" || !cert.serial) return { problem: `201 but ${text.slice(0, 200)}` };
  return { problem: null };
}

/** What one bounded closed loop measured. */
interface Level {
  samples: Sample[];
  wallMs: number;
  /** CPU ms of each instance's process group over the level (null: not readable). */
  serverMs: (number | null)[];
  postgresMs: number | null;
  clientCpuMs: number;
  load: number;
}

async function runLevel(options: {
  instances: Instance[];
  token: string;
  postmasterPid: number | null;
  requests: number;
  /** Which host and which instance request i goes to. */
  route: (i: number) => { hostId: string; instance: Instance };
}): Promise<Level> {
  const { instances } = options;
  const before = cpuNow(instances, options.postmasterPid);
  const level = await closedLoop({
    concurrency: IN_FLIGHT,
    maxRequests: options.requests,
    maxMs: MAX_MS,
    serverPid: instances[0].pid,
    send: (i) => {
      const { hostId, instance } = options.route(i);
      return issue(instance, options.token, hostId);
    },
  });
  const after = cpuNow(instances, options.postmasterPid);
  const spent = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    samples: level.samples,
    wallMs: level.wallMs,
    serverMs: instances.map((_, k) => spent(before.servers[k], after.servers[k])),
    postgresMs: spent(before.postgres, after.postgres),
    clientCpuMs: level.clientCpuMs,
    load: os.loadavg()[0],
  };
}

interface IssueRow {
  case: string;
  what: string;
  requests: number;
  errors: number;
  /** Problems by kind, e.g. "HTTP 500" x 3. */
  errorKinds: Map<string, number>;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  /** Cores busy on average over the levels, per instance. */
  serverCores: (number | null)[];
  postgresCores: number | null;
  serverCpuPerIssue: number | null;
  postgresCpuPerIssue: number | null;
  clientCores: number;
  /** The highest 1-minute load average seen at the end of a level. */
  load: number;
}

/** One row from the levels of a case (its rounds), as if they had run back to back. */
function summarizeLevels(caseName: string, what: string, levels: Level[]): IssueRow {
  const samples = levels.flatMap((l) => l.samples);
  const wallMs = levels.reduce((n, l) => n + l.wallMs, 0);
  const ok = samples.filter((s) => !s.problem);
  const times = ok.map((s) => s.ms);
  const errorKinds = new Map<string, number>();
  for (const s of samples) {
    if (!s.problem) continue;
    const kind = /^HTTP \d+/.exec(s.problem)?.[0] ?? s.problem.slice(0, 60);
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    if ((errorKinds.get(kind) ?? 0) <= 2) console.error(`${caseName}, ${what}: ${s.problem}`);
  }
  const sum = (xs: (number | null)[]) =>
    xs.some((x) => x === null) ? null : xs.reduce((a: number, b) => a + (b as number), 0);
  const serverMs = levels[0].serverMs.map((_, k) => sum(levels.map((l) => l.serverMs[k])));
  const postgresMs = sum(levels.map((l) => l.postgresMs));
  const serverTotal = sum(serverMs);
  const row: IssueRow = {
    case: caseName,
    what,
    requests: samples.length,
    errors: samples.length - ok.length,
    errorKinds,
    perSecond: (ok.length * 1000) / wallMs,
    p50: percentile(times, 0.5),
    p90: percentile(times, 0.9),
    p99: percentile(times, 0.99),
    serverCores: serverMs.map((ms) => (ms === null ? null : ms / wallMs)),
    postgresCores: postgresMs === null ? null : postgresMs / wallMs,
    serverCpuPerIssue: serverTotal === null ? null : serverTotal / Math.max(1, ok.length),
    postgresCpuPerIssue: postgresMs === null ? null : postgresMs / Math.max(1, ok.length),
    clientCores: levels.reduce((n, l) => n + l.clientCpuMs, 0) / wallMs,
    load: Math.max(...levels.map((l) => l.load)),
  };
  console.error(
    `${row.case}, ${row.what}: ${row.requests} in ${(wallMs / 1000).toFixed(1)} s, ${row.perSecond.toFixed(1)}/s, ` +
      `p50 ${fmt(row.p50)} p99 ${fmt(row.p99)} ms, ${row.errors} errors, servers ` +
      `${row.serverCores.map((c) => fmt(c ?? Number.NaN, 2)).join(" + ")} cores, postgres ${fmt(row.postgresCores ?? Number.NaN, 2)} (load ${loadAverage()})`,
  );
  return row;
}

/** Issuances per second of one level (answers that were right). */
const rateOf = (l: Level) => (l.samples.filter((s) => !s.problem).length * 1000) / l.wallMs;

// ---------------------------------------------------------------------------------------------
// The database afterwards: what the burst could break.

interface Check {
  case: string;
  certificates: number;
  active: number;
  /** Over the whole database. */
  hostsWithTwoActive: number;
  clientsWithTwoActive: number;
  /** Among the hosts this case issued to. */
  caseHostsWithTwoActive: number;
  /** Active certificates of the burst's hosts together (one each is right). */
  burstActive: number;
  /**
   * Certificates of this case's hosts replaced by the same successor as another: each one was active beside
   * another certificate of its host at some moment, even if a later issuance superseded both.
   */
  caseSupersededTogether: number;
  serials: number;
  distinctSerials: number;
}

/** The checks, with `$HOSTS` standing for a list of host ids. */
const CHECKS = {
  certificates: `SELECT COUNT(*) AS n FROM "Certificate"`,
  active: `SELECT COUNT(*) AS n FROM "Certificate" WHERE "status" = 'active'`,
  hostsWithTwoActive: `SELECT COUNT(*) AS n FROM (SELECT "hostId" FROM "Certificate" WHERE "status" = 'active' AND "hostId" IS NOT NULL GROUP BY "hostId" HAVING COUNT(*) > 1) AS twice`,
  clientsWithTwoActive: `SELECT COUNT(*) AS n FROM (SELECT "clientId" FROM "Certificate" WHERE "status" = 'active' AND "clientId" IS NOT NULL GROUP BY "clientId" HAVING COUNT(*) > 1) AS twice`,
  caseHostsWithTwoActive: `SELECT COUNT(*) AS n FROM (SELECT "hostId" FROM "Certificate" WHERE "status" = 'active' AND "hostId" IN ($HOSTS) GROUP BY "hostId" HAVING COUNT(*) > 1) AS twice`,
  burstActive: `SELECT COUNT(*) AS n FROM "Certificate" WHERE "status" = 'active' AND "hostId" IN ($HOSTS)`,
  caseSupersededTogether: `SELECT COALESCE(SUM("n" - 1), 0) AS n FROM (SELECT COUNT(*) AS "n" FROM "Certificate" WHERE "hostId" IN ($HOSTS) AND "supersededById" IS NOT NULL GROUP BY "supersededById" HAVING COUNT(*) > 1) AS together`,
  serials: `SELECT COUNT("serial") AS n FROM "Certificate"`,
  distinctSerials: `SELECT COUNT(DISTINCT "serial") AS n FROM "Certificate"`,
};

async function checkDatabase(
  caseName: string,
  target: Target,
  hosts: { issued: string[]; burst: string[] },
): Promise<Check> {
  const idsFor = (name: string) => (name === "burstActive" ? hosts.burst : name.startsWith("case") ? hosts.issued : []);
  const counts: Record<string, number> = {};
  if (target.databaseUrl) {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      for (const [name, sql] of Object.entries(CHECKS)) {
        const ids = idsFor(name);
        const text = sql.replace("$HOSTS", ids.map((_, k) => `$${k + 1}`).join(", "));
        counts[name] = Number((await client.query<{ n: string }>(text, ids)).rows[0].n);
      }
    } finally {
      await client.end();
    }
  } else {
    const sqlite = new Database(target.sqlitePath as string, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      for (const [name, sql] of Object.entries(CHECKS)) {
        const ids = idsFor(name);
        const text = sql.replace("$HOSTS", ids.map(() => "?").join(", "));
        counts[name] = Number((sqlite.prepare(text).get(...ids) as { n: number }).n);
      }
    } finally {
      sqlite.close();
    }
  }
  const check = { case: caseName, ...counts } as unknown as Check;
  console.error(
    `${caseName}: ${check.caseHostsWithTwoActive} of its ${hosts.issued.length} hosts with two active certificates, ` +
      `${check.caseSupersededTogether} superseded together with another ` +
      `(the burst's ${hosts.burst.length}: ${check.burstActive} active); in the whole database ` +
      `${check.hostsWithTwoActive} hosts and ${check.clientsWithTwoActive} clients, ` +
      `${check.serials - check.distinctSerials} repeated serials`,
  );
  return check;
}

// ---------------------------------------------------------------------------------------------
// Lists: the pages and API calls of bench/lists.ts, plus the API forms of its lib/ cases.

const PAGES = [
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
];
const API_LISTS = [
  "/api/v1/hosts?page=1",
  "/api/v1/hosts?page=150",
  "/api/v1/hosts?q=host-77",
  "/api/v1/hosts?filter=never-issued",
  "/api/v1/hosts?filter=valid",
  "/api/v1/hosts?filter=expired",
  "/api/v1/hosts?filter=expiring&page=5",
  "/api/v1/hosts?sort=-created&page=150",
  "/api/v1/clients?filter=expired",
  "/api/v1/certificates?page=150",
  "/api/v1/certificates?status=expiring&days=30",
  "/api/v1/certificates?status=active",
  "/api/v1/certificates?sort=expiry&dir=desc&page=100",
  "/api/v1/certificates?status=superseded&page=150",
  "/api/v1/certificates?kind=client",
  "/api/v1/certificates?q=host-77",
];

async function measureLists(instance: Instance, target: Target): Promise<Row[]> {
  const recorder = createRecorder({ runs: RUNS, warmup: 2 });
  const kb = (r: { bytes: number }) => `${(r.bytes / 1024).toFixed(0)} KiB`;
  const cookie = { cookie: `dockpki_session=${target.seeded.session}` };
  const bearer = { authorization: `Bearer ${target.token}` };
  for (const p of PAGES) {
    await recorder.measure(`page GET ${p}`, () => getPage(instance.baseUrl + p, cookie), { describe: kb });
  }
  for (const p of API_LISTS) {
    await recorder.measure(`API GET ${p}`, () => getPage(instance.baseUrl + p, bearer), { describe: kb });
  }
  return recorder.rows;
}

function printLists(sqlite: Row[], postgres: Row[]): void {
  console.log("| request | SQLite p50 ms | p90 | PostgreSQL p50 ms | p90 | PostgreSQL / SQLite | body | load |");
  console.log("|---|---:|---:|---:|---:|---:|---|---|");
  for (const s of sqlite) {
    const p = postgres.find((r) => r.name === s.name);
    const cells = [
      s.name,
      fmt(s.median),
      fmt(s.p90),
      fmt(p?.median ?? Number.NaN),
      fmt(p?.p90 ?? Number.NaN),
      p ? fmt(p.median / s.median, 2) : "—",
      s.note === p?.note ? (s.note ?? "") : `${s.note} / ${p?.note}`,
      `${s.load.toFixed(2)} / ${p ? p.load.toFixed(2) : "—"}`,
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

function printIssues(rows: IssueRow[]): void {
  console.log(
    "| case | run | requests | errors | issuances/s | p50 ms | p90 ms | p99 ms | server CPU / wall | PostgreSQL CPU / wall | server CPU ms / issuance | PostgreSQL CPU ms / issuance | client CPU / wall | load avg |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const cores = r.serverCores.map((c) => (c === null ? "n/a" : c.toFixed(2)));
    const errors =
      r.errors === 0 ? "0" : `**${r.errors}** (${[...r.errorKinds].map(([k, n]) => `${k} × ${n}`).join(", ")})`;
    const cells = [
      r.case,
      r.what,
      r.requests,
      errors,
      r.perSecond.toFixed(1),
      fmt(r.p50),
      fmt(r.p90),
      fmt(r.p99),
      cores.length > 1 ? `${cores.join(" + ")}` : cores[0],
      r.postgresCores === null ? "—" : r.postgresCores.toFixed(2),
      r.serverCpuPerIssue === null ? "n/a" : r.serverCpuPerIssue.toFixed(1),
      r.postgresCpuPerIssue === null ? "—" : r.postgresCpuPerIssue.toFixed(1),
      r.clientCores.toFixed(2),
      r.load.toFixed(2),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

function printChecks(checks: Check[]): void {
  console.log(
    "| after | its hosts with 2+ active | its certificates superseded together with another | active on the burst's host | in the database: certificates | active | hosts with 2+ active | clients with 2+ active | serials | distinct |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const bad = (n: number, right = 0) => (n === right ? String(n) : `**${n}**`);
  for (const c of checks) {
    const cells = [
      c.case,
      bad(c.caseHostsWithTwoActive),
      bad(c.caseSupersededTogether),
      bad(c.burstActive, BURST_HOSTS),
      c.certificates,
      c.active,
      bad(c.hostsWithTwoActive),
      bad(c.clientsWithTwoActive),
      c.serials,
      bad(c.distinctSerials, c.serials),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startLoad = loadAverage();
  console.error(`load average at the start: ${startLoad}`);
  const ports = FIRST_PORT
    ? [FIRST_PORT, FIRST_PORT + 1, FIRST_PORT + 2]
    : [await freePort(), await freePort(), await freePort()];
  const work = mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-instances-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(work, { recursive: true, force: true })];
  let cluster: PostgresCluster | null = null;
  let failed = false;
  const profiledIssued: [number, number] = [0, 0];
  try {
    cluster = await startPostgres({ durable: true });
    const pgCluster = cluster;
    cleanups.push(() => pgCluster.stop());
    const postmasterPid = Number(readFileSync(path.join(cluster.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    const databaseUrl = await cluster.createDatabase("bench");
    const pgVersion = await (async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const show = async (s: string) => Object.values((await client.query(`SHOW ${s}`)).rows[0])[0] as string;
        return `PostgreSQL ${await show("server_version")} (fsync ${await show("fsync")}, synchronous_commit ${await show("synchronous_commit")}, shared_buffers ${await show("shared_buffers")})`;
      } finally {
        await client.end();
      }
    })();

    // One master key for every process: the CA key sealed by the seeding opens in each instance.
    const masterKey = randomBytes(32).toString("base64");
    const sqliteDir = mkdtempSync(path.join(work, "sqlite-"));
    const pgDir = mkdtempSync(path.join(work, "postgres-"));
    const sqliteEnv = { DOCKPKI_DATA_DIR: sqliteDir, DOCKPKI_MASTER_KEY: masterKey, NEXT_TELEMETRY_DISABLED: "1" };
    const pgEnv = { ...sqliteEnv, DOCKPKI_DATA_DIR: pgDir, DATABASE_URL: databaseUrl };
    const t0 = performance.now();
    console.error(
      `seeding ${COUNTS.hosts} hosts, ${COUNTS.clients} clients, ${COUNTS.certificates} certificates into SQLite and PostgreSQL at once`,
    );
    const [sqliteSeeded, pgSeeded] = await Promise.all([
      seedDatabase(sqliteEnv, "SQLite"),
      seedDatabase(pgEnv, "PostgreSQL"),
    ]);
    console.error(
      `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (SQLite ${(sqliteSeeded.seedMs / 1000).toFixed(1)} s, ` +
        `PostgreSQL ${(pgSeeded.seedMs / 1000).toFixed(1)} s with VACUUM ANALYZE, side by side; load ${loadAverage()})`,
    );
    const sqlite: Target = {
      label: "SQLite",
      kind: "sqlite",
      env: sqliteEnv,
      token: createTokenWithCli(APP_DIR, sqliteEnv),
      seeded: sqliteSeeded,
      sqlitePath: path.join(sqliteDir, "dockpki.db"),
    };
    const postgres: Target = {
      label: "PostgreSQL",
      kind: "postgresql",
      env: pgEnv,
      token: createTokenWithCli(APP_DIR, pgEnv),
      seeded: pgSeeded,
      databaseUrl,
    };

    console.log(`\n${describeMachine()}; ${pgVersion}; load average at the start ${startLoad}`);
    console.log(
      `${COUNTS.hosts} hosts, ${COUNTS.clients} clients, ${sqliteSeeded.certificates} certificates in each database ` +
        `(${Object.entries(sqliteSeeded.byStatus)
          .map(([s, n]) => `${s} ${n}`)
          .join(", ")}), seeded straight into both at once in ${((performance.now() - t0) / 1000).toFixed(0)} s. ` +
        `Servers: \`next start\` (scripts/server.mjs) from ${APP_DIR}, NODE_ENV production, one master key; ` +
        `DOCKPKI_ISSUE_CONCURRENCY and DOCKPKI_DB_POOL at their defaults. Shuffle seed ${seedUsed}.`,
    );

    const issueRows: IssueRow[] = [];
    const checks: Check[] = [];
    let sqliteLists: Row[] = [];
    let pgLists: Row[] = [];
    // Hosts of each case (part 0 or 1 of a database), all holding certificates: the throughput's from the front,
    // each issued to once; the warm-up's and the burst's from the back.
    const hostsWithCerts = Math.floor(COUNTS.hosts * 0.95);
    if (2 * (REQUESTS + WARM_UP + BURST_HOSTS) > hostsWithCerts)
      throw new Error("Too many requests for the hosts seeded.");
    const hostsOf = (seeded: Seeded, part: number) => {
      const back = seeded.hostIds.slice(0, hostsWithCerts).reverse();
      return {
        throughput: seeded.hostIds.slice(part * REQUESTS, (part + 1) * REQUESTS),
        warmUp: back.slice(part * WARM_UP, (part + 1) * WARM_UP),
        burst: back.slice(2 * WARM_UP + part * BURST_HOSTS, 2 * WARM_UP + (part + 1) * BURST_HOSTS),
      };
    };

    const sqliteOne = await startInstance(sqlite, ports[0], "sqlite", work, true);
    cleanups.push(() => sqliteOne.stop());
    const a = await startInstance(postgres, ports[1], "postgres-a", work, true);
    cleanups.push(() => a.stop());
    const b = await startInstance(postgres, ports[2], "postgres-b", work);
    cleanups.push(() => b.stop());
    if (LISTS) {
      sqliteLists = await measureLists(sqliteOne, sqlite);
      pgLists = await measureLists(a, postgres);
    }

    interface Case {
      name: string;
      target: Target;
      instances: Instance[];
      hosts: ReturnType<typeof hostsOf>;
      levels: Level[];
    }
    const cases: Case[] = [
      { name: "SQLite, 1 instance", target: sqlite, instances: [sqliteOne], hosts: hostsOf(sqlite.seeded, 0) },
      { name: "PostgreSQL, 1 instance", target: postgres, instances: [a], hosts: hostsOf(postgres.seeded, 0) },
      { name: "PostgreSQL, 2 instances", target: postgres, instances: [a, b], hosts: hostsOf(postgres.seeded, 1) },
    ].map((c) => ({ ...c, levels: [] }));
    const pmPid = (c: Case) => (c.target.kind === "postgresql" ? postmasterPid : null);
    // A few requests first, on every instance: the first ones load routes and open connections.
    for (const c of cases) {
      for (const [k, hostId] of c.hosts.warmUp.entries()) {
        await issue(c.instances[k % c.instances.length], c.target.token, hostId);
      }
    }
    // The throughput in rounds, every case once per round in a new order, so a change of load on the shared
    // machine falls on every case alike; each request goes to another host, never issued to before.
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of shuffled(cases)) {
        const first = round * perRound;
        const n = c.instances.length;
        c.levels.push(
          await runLevel({
            instances: c.instances,
            token: c.target.token,
            postmasterPid: pmPid(c),
            requests: Math.min(perRound, REQUESTS - first),
            route: (i) => ({ hostId: c.hosts.throughput[first + i], instance: c.instances[(first + i) % n] }),
          }),
        );
      }
      console.error(`round ${round + 1}/${ROUNDS} done (load ${loadAverage()})`);
    }
    for (const c of cases)
      issueRows.push(summarizeLevels(c.name, `${IN_FLIGHT} in flight, each request another host`, c.levels));
    // Within each round, PostgreSQL against SQLite and two instances against one.
    const ratios = [
      ["PostgreSQL, 1 instance / SQLite", cases[1], cases[0]],
      ["PostgreSQL, 2 instances / 1 instance", cases[2], cases[1]],
    ] as const;
    const roundRatios = ratios.map(([label, x, y]) => {
      const r = x.levels.map((l, k) => rateOf(l) / rateOf(y.levels[k])).sort((p, q) => p - q);
      return `${label}: median ${fmt(percentile(r, 0.5), 2)} (${fmt(r[0], 2)} to ${fmt(r[r.length - 1], 2)})`;
    });

    // The burst: every request for one host (or a few), so each instance's two issuance slots, and the other
    // instance's, work on the same holder at once and their transactions overlap. Then the check.
    for (const c of cases) {
      const n = c.instances.length;
      const level = await runLevel({
        instances: c.instances,
        token: c.target.token,
        postmasterPid: pmPid(c),
        requests: BURST,
        route: (i) => ({ hostId: c.hosts.burst[Math.floor(i / n) % BURST_HOSTS], instance: c.instances[i % n] }),
      });
      const what = `burst: ${IN_FLIGHT} in flight for ${BURST_HOSTS === 1 ? "one host" : `${BURST_HOSTS} hosts`}`;
      issueRows.push(summarizeLevels(c.name, what, [level]));
      const issued = [...c.hosts.warmUp, ...c.hosts.throughput, ...c.hosts.burst];
      checks.push(await checkDatabase(c.name, c.target, { issued, burst: c.hosts.burst }));
    }
    profiledIssued[0] = sqliteOne.issued;
    profiledIssued[1] = a.issued;

    console.log(
      `\n### Issuing (closed loop, ${IN_FLIGHT} in flight, ${REQUESTS} requests per case in ${ROUNDS} rounds; ` +
        `then a burst of ${BURST} for ${BURST_HOSTS === 1 ? "one host" : `${BURST_HOSTS} hosts`})\n`,
    );
    console.log(
      "POST /api/v1/hosts/{id}/certificates with `{}` (the default ECDSA P-256 leaf, the key made by the server), " +
        "answer read to the end; an error is any answer but a 201 with an ECDSA P-256 certificate. Two instances: " +
        "request i goes to instance i mod 2. Throughput: each round runs every case once in a new order, " +
        `${Math.ceil(REQUESTS / ROUNDS)} requests each (a level stops after ${MAX_MS / 1000} s); a row adds up its rounds. ` +
        "CPU from /proc over the levels: each instance's process group, and PostgreSQL's postmaster with its " +
        "backends. 2 cores here, shared by the client, the servers and PostgreSQL.\n",
    );
    printIssues(issueRows);
    console.log(`\nIssuances per second within a round: ${roundRatios.join("; ")}.`);
    console.log("\n### The database after each case\n");
    printChecks(checks);
    if (LISTS) {
      console.log(
        `\n### Lists at ${COUNTS.hosts} hosts (${RUNS} runs after 2 of warm-up, one request at a time, body read to the end)\n`,
      );
      console.log("Measured on each database before any issuance, on one instance (the others idle).\n");
      printLists(sqliteLists, pgLists);
    }
    console.log(`\nLoad average at the end ${loadAverage()}.`);
    failed =
      issueRows.some((r) => r.errors > 0) ||
      checks.some(
        (c) =>
          c.caseHostsWithTwoActive + c.caseSupersededTogether + c.hostsWithTwoActive + c.clientsWithTwoActive > 0 ||
          c.burstActive !== BURST_HOSTS ||
          c.distinctSerials !== c.serials,
      );
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        console.error(`cleanup: ${(err as Error).message}`);
      }
    }
  }
  if (CPU_PROF) printProfiles(CPU_PROF, profiledIssued);
  if (failed) process.exitCode = 1;
}

/**
 * Where the profiled instances' main threads spent their time (start-up left out), side by side, per issuance
 * each served: the SQLite instance over its case, PostgreSQL's instance A over the one- and two-instance cases.
 */
function printProfiles(dir: string, issued: [number, number]): void {
  const [sqliteProfile, pgProfile] = ["sqlite", "postgres-a"].map((name) => {
    // nodeArgs start server.mjs itself (no start.mjs), so the newest profile is the server's
    const newest = readdirSync(path.join(dir, name))
      .filter((f) => f.endsWith(".cpuprofile"))
      .sort()
      .at(-1);
    return newest ? summarizeCpuProfile(path.join(dir, name, newest)) : null;
  });
  if (!sqliteProfile || !pgProfile) {
    console.log("\nNo CPU profile was written.");
    return;
  }
  const profiles = [sqliteProfile, pgProfile];
  const buckets = [...new Set(profiles.flatMap((p) => p.rows.map((r) => r.bucket)))];
  const cell = (k: number, bucket: string) => {
    const ms = profiles[k].rows.find((r) => r.bucket === bucket)?.ms ?? 0;
    return `${(ms / issued[k]).toFixed(2)} (${((100 * ms) / profiles[k].busyMs).toFixed(1)}%)`;
  };
  console.log("\n### The main thread, from CPU profiles\n");
  console.log(
    `CPU ms per issuance the instance served (SQLite: ${issued[0]}; PostgreSQL instance A, over the one- and ` +
      `two-instance cases: ${issued[1]}; list requests, when measured, count too) and the share of its busy time.\n`,
  );
  console.log("| where | SQLite ms / issuance (share) | PostgreSQL ms / issuance (share) |\n|---|---:|---:|");
  for (const bucket of buckets) console.log(`| ${bucket} | ${cell(0, bucket)} | ${cell(1, bucket)} |`);
  const all = (k: number) => (profiles[k].busyMs / issued[k]).toFixed(2);
  console.log(`| busy in all | ${all(0)} | ${all(1)} |`);
}

await main();
