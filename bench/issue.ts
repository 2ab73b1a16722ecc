// Issuing a server bundle. Three parts, one run:
// 1. Latency, interleaved: one bundle over HTTP (POST issue + GET the zip) from the production
//    dashboard for an ECDSA P-256 leaf, RSA-2048 from a warm key pool, and RSA-2048 with the pool off
//    (keyPoolSize 0, a second dashboard), beside the in-process floor (node:crypto keygen + build +
//    signature, no HTTP) and what people use instead: Docker's openssl recipe, `cfssl gencert`, and
//    easy-rsa, on a CA of the dashboard CA's type. Each round runs every case once in a new random
//    order, so a load change on the shared machine hits every case alike; ratios are taken within a
//    round (the median of the per-round ratios), not between blocks run minutes apart.
// 2. Throughput at 1..16 in flight (bounded per level by requests and seconds) for the three
//    dashboard cases and `cfssl serve`, with server CPU, the zip's p50 and what a GET /api/v1/hosts
//    polled beside the load waits.
// 3. The key pool's refill: emptied, set to 8, keys per second, and an ECDSA issuance's latency
//    meanwhile against the same with the pool idle.
// Run: node --conditions=react-server --import tsx bench/issue.ts [--runs N] [--quick]
//        [--levels 1,2,4,8,16] [--level-requests N] [--level-seconds S] [--refills N] [--hosts N]
//        [--ca-key ecdsa-p256|ecdsa-p384|rsa-2048|rsa-3072|rsa-4096] [--app-dir DIR] [--port P] [--seed N]
//        [--parts 1,2,3] [--cpu-prof DIR]
// (--app-dir: serve another checkout, e.g. a built copy, so a build here does not disturb others;
// --port: the first of three loopback ports, otherwise free ones are picked; --cpu-prof: the
// pooled dashboard, started without start.mjs's build check, writes a V8 CPU profile into DIR,
// summarized at the end)
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCa } from "@/lib/pki/ca";
import { type KeySpec, type KeyType, keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair } from "@/lib/pki/keys";
import { buildServerCertificate } from "@/lib/pki/profiles";
import { freePort } from "@/lib/test-support/docker-sandbox";
import { repoRoot } from "@/lib/test-support/temp-data-dir";
import {
  availableTools,
  type CfsslServer,
  cfsslGencert,
  type LeafKey,
  opensslRecipe,
  prepareEasyRsa,
  prepareToolPki,
  SERVER_NAMES,
  startCfsslServe,
  toolVersions,
} from "./support/cert-tools";
import { summarizeCpuProfile } from "./support/cpu-profile";
import { type BenchDashboard, expectStatus, startBenchDashboard } from "./support/dashboard";
import { closedLoop, type Sample, sideLoop } from "./support/load";
import { describeMachine, loadAverage, percentile, seededShuffle } from "./support/measure";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const QUICK = process.argv.includes("--quick");
const RUNS = Number(arg("runs") ?? (QUICK ? 3 : 30));
const LEVELS = (arg("levels") ?? (QUICK ? "1,8" : "1,2,4,8,16")).split(",").map(Number);
const LEVEL_REQUESTS = Number(arg("level-requests") ?? (QUICK ? 16 : 200));
const LEVEL_MS = 1000 * Number(arg("level-seconds") ?? (QUICK ? 1.5 : 10));
const REFILLS = Number(arg("refills") ?? (QUICK ? 1 : 3));
const HOSTS = Number(arg("hosts") ?? (QUICK ? 8 : 64));
const CA_KEY = arg("ca-key");
const APP_DIR = path.resolve(arg("app-dir") ?? repoRoot);
const FIRST_PORT = arg("port") ? Number(arg("port")) : null;
const PARTS = new Set((arg("parts") ?? "1,2,3").split(",").map(Number));
const CPU_PROF = arg("cpu-prof") ? path.resolve(arg("cpu-prof") as string) : undefined;
/** What the pooled server keeps: the default keyPoolSize. */
const POOL_SIZE = 8;
/** The side loop's pause between two GET /api/v1/hosts (its CPU counts in the server's, so it stays light). */
const POLL_PAUSE_MS = 100;
/** How long a pool may take to fill before the bench calls it broken (8 RSA-2048 keygens take 1 to 3 s here). */
const POOL_FILL_MS = 30_000;

const LEAF: Record<LeafKey, { spec: KeySpec; body: Record<string, unknown> }> = {
  "ecdsa-p256": { spec: keySpec("ecdsa-p256"), body: { keyType: "ecdsa-p256" } },
  "rsa-2048": { spec: keySpec("rsa", 2048), body: { keyType: "rsa", keySize: 2048 } },
};
const RSA = LEAF["rsa-2048"].spec;

/** A seeded order, so a run's shuffles can be repeated (--seed). */
const { seed: seedUsed, shuffled } = seededShuffle(arg("seed"));

const fmt = (ms: number, digits = 1) => (Number.isFinite(ms) ? ms.toFixed(digits) : "—");
const median = (xs: number[]) => percentile(xs, 0.5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notes: string[] = [];
const note = (text: string) => {
  notes.push(text);
  console.error(`NOTE: ${text}`);
};

// ---------------------------------------------------------------------------------------------
// Setting up: two dashboards (the pool on, the pool off), a CA each through the API, hosts, and
// the same type of CA in process for the floor and the tools.

interface Dashboard {
  dash: BenchDashboard;
  hostIds: string[];
  caPublicKey: X509Certificate["publicKey"];
  ca: { keyType: KeyType; keySize: number };
}

function caKeyChoice(): Record<string, unknown> {
  if (!CA_KEY) return {};
  const rsa = /^rsa-(\d+)$/.exec(CA_KEY);
  return rsa ? { keyType: "rsa", keySize: Number(rsa[1]) } : { keyType: CA_KEY };
}

async function setUpDashboard(label: string, port: number, keyPoolSize: number, nodeArgs?: string[]) {
  const t0 = performance.now();
  const dash = await startBenchDashboard({ label, appDir: APP_DIR, port, nodeArgs });
  try {
    const ca = expectStatus(
      await dash.api<{ certPem: string; keyType: KeyType; keySize: number }>("POST", "/api/v1/ca", {
        commonName: "Bench CA",
        ...caKeyChoice(),
      }),
      201,
      `${label}: POST /api/v1/ca`,
    );
    // RSA leaves at 2048 bits are what the pool keeps keys for; every request names its key type anyway.
    const settings = expectStatus(
      await dash.api<{ keyPoolSize?: number }>("PATCH", "/api/v1/settings", {
        leafKeyType: "rsa",
        leafKeySize: 2048,
        keyPoolSize,
      }),
      200,
      `${label}: PATCH /api/v1/settings {leafKeyType: "rsa", leafKeySize: 2048, keyPoolSize: ${keyPoolSize}}`,
    );
    if (settings.keyPoolSize !== keyPoolSize) {
      throw new Error(`${label}: the settings answer keyPoolSize ${settings.keyPoolSize}, not ${keyPoolSize}`);
    }
    const hostIds: string[] = [];
    for (let i = 1; i <= HOSTS; i++) {
      const host = expectStatus(
        await dash.api<{ id: string }>("POST", "/api/v1/hosts", {
          name: `bench-${i}`,
          dnsNames: [`bench-${i}.example.com`],
          ipAddresses: [`10.0.${i >> 8}.${i & 255}`],
          // localhost and 127.0.0.1 as well, as in the classic recipe: the tools get the same 4 SANs
          localAccess: true,
        }),
        201,
        `${label}: POST /api/v1/hosts`,
      );
      hostIds.push(host.id);
    }
    console.error(
      `${label}: server up, CA ${keyLabel(ca)}, ${HOSTS} hosts, keyPoolSize ${keyPoolSize} in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s (${dash.baseUrl}, log ${dash.logFile})`,
    );
    const ready: Dashboard = { dash, hostIds, caPublicKey: new X509Certificate(ca.certPem).publicKey, ca };
    return ready;
  } catch (err) {
    await dash.stop();
    throw err;
  }
}

/** One server bundle: POST issue, then GET the zip, both read to the end; checked after the clock stops. */
async function issueBundle(d: Dashboard, i: number, key: LeafKey): Promise<Sample> {
  const base = d.dash.baseUrl;
  const auth = { authorization: `Bearer ${d.dash.token}` };
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/hosts/${d.hostIds[i % d.hostIds.length]}/certificates`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(LEAF[key].body),
  });
  const cert = (await res.json()) as { bundleUrl?: string; certPem?: string; keyType?: string; keySize?: number };
  const t1 = performance.now();
  if (res.status !== 201 || !cert.bundleUrl || !cert.certPem) {
    return { ms: t1 - t0, problem: `issue: HTTP ${res.status} ${JSON.stringify(cert).slice(0, 200)}` };
  }
  const zipRes = await fetch(`${base}${cert.bundleUrl}`, { headers: auth });
  const zip = Buffer.from(await zipRes.arrayBuffer());
  const t2 = performance.now();
  const spec = LEAF[key].spec;
  let problem: string | null = null;
  if (zipRes.status !== 200 || zip.readUInt32LE(0) !== 0x04034b50) problem = `zip: HTTP ${zipRes.status}`;
  else if (cert.keyType !== spec.keyType || cert.keySize !== spec.keySize) {
    problem = `a ${cert.keyType} ${cert.keySize} key, not ${keyLabel(spec)}`;
  } else if (!new X509Certificate(cert.certPem).verify(d.caPublicKey)) problem = "not signed by the CA";
  return { ms: t2 - t0, problem, parts: { issue: t1 - t0, zip: t2 - t1 } };
}

/**
 * Waits until the pool holds `POOL_SIZE` RSA-2048 keys (outside any timing, so a refill never lands
 * in another case's figures); answers the wait, or null when it did not fill in time.
 */
const poolWaits: number[] = [];
let poolFills = true;
async function settlePool(d: Dashboard, limitMs = POOL_FILL_MS): Promise<number | null> {
  const t0 = performance.now();
  while (d.dash.pooledKeys(RSA.keyType, RSA.keySize) < POOL_SIZE) {
    // once a pool did not fill, the bench no longer waits for it (it would only add minutes)
    if (!poolFills) return null;
    if (performance.now() - t0 > limitMs) {
      note(
        `the key pool did not reach ${POOL_SIZE} RSA-2048 keys within ${limitMs / 1000} s ` +
          `(it holds ${d.dash.pooledKeys(RSA.keyType, RSA.keySize)}); "pool warm" requests that found it empty are left out`,
      );
      poolFills = false;
      return null;
    }
    await sleep(20);
  }
  const ms = performance.now() - t0;
  poolWaits.push(ms);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Part 1: interleaved latency.

interface LatencyCase {
  name: string;
  key: LeafKey;
  tool: "dashboard" | "floor" | "openssl" | "cfssl" | "easy-rsa";
  goal?: { text: string; met: (p50: number, ratioToFloor: number) => boolean };
  run: (round: number) => Promise<Sample>;
  /** Rounds whose sample is left out (a "warm" request that found the pool empty), with the reason counted. */
  skipped: Set<number>;
  samples: Map<number, Sample>;
}

interface Tools {
  dir: string;
  /** The CA the floor and the tools sign with: the dashboards' type, made in process. */
  ca: { certPem: string; keyPem: string };
  available: Record<string, boolean>;
  easyRsa: Awaited<ReturnType<typeof prepareEasyRsa>> | null;
}

function latencyCases(pool: Dashboard, noPool: Dashboard, tools: Tools) {
  const cases: LatencyCase[] = [];
  const add = (c: Omit<LatencyCase, "skipped" | "samples">) =>
    cases.push({ ...c, skipped: new Set(), samples: new Map() });
  const timed = async (fn: () => Promise<unknown>): Promise<Sample> => {
    const t0 = performance.now();
    await fn();
    return { ms: performance.now() - t0, problem: null };
  };
  let hostTurn = 0;
  add({
    name: "dashboard over HTTP, ECDSA P-256",
    key: "ecdsa-p256",
    tool: "dashboard",
    goal: { text: "p50 < 30 ms", met: (p50) => p50 < 30 },
    run: () => issueBundle(pool, hostTurn++, "ecdsa-p256"),
  });
  const warm: LatencyCase = {
    name: "dashboard over HTTP, RSA-2048, pool warm",
    key: "rsa-2048",
    tool: "dashboard",
    goal: { text: "p50 < 40 ms", met: (p50) => p50 < 40 },
    skipped: new Set(),
    samples: new Map(),
    run: async (round) => {
      await settlePool(pool);
      const before = pool.dash.pooledKeys(RSA.keyType, RSA.keySize);
      const sample = await issueBundle(pool, hostTurn++, "rsa-2048");
      // the server refills a second after a take: the key it used is gone until then
      if (round >= 0 && pool.dash.pooledKeys(RSA.keyType, RSA.keySize) >= before) warm.skipped.add(round);
      await settlePool(pool);
      return sample;
    },
  };
  cases.push(warm);
  add({
    name: "dashboard over HTTP, RSA-2048, pool off (keyPoolSize 0)",
    key: "rsa-2048",
    tool: "dashboard",
    goal: { text: "≤ 1.15 × floor", met: (_p50, ratio) => ratio <= 1.15 },
    run: () => issueBundle(noPool, hostTurn++, "rsa-2048"),
  });
  for (const key of ["ecdsa-p256", "rsa-2048"] as const) {
    const label = key === "rsa-2048" ? "RSA-2048" : "ECDSA P-256";
    const ca = tools.ca;
    add({
      name: `in-process floor (keygen + build + sign), ${label}`,
      key,
      tool: "floor",
      run: () =>
        timed(async () => {
          const pair = await generateKeyPair(LEAF[key].spec);
          await buildServerCertificate({ publicKeyPem: pair.publicKeyPem, ca, days: 365, ...SERVER_NAMES });
        }),
    });
    if (tools.available.openssl) {
      add({
        name: `openssl recipe (${key === "rsa-2048" ? "genrsa 2048" : "genpkey EC P-256"}, req, x509 -req -extfile)`,
        key,
        tool: "openssl",
        run: () => timed(() => opensslRecipe(tools.dir, key)),
      });
    }
    if (tools.available.cfssl) {
      add({
        name: `cfssl gencert + cfssljson, ${label}`,
        key,
        tool: "cfssl",
        run: () => timed(() => cfsslGencert(tools.dir, key)),
      });
    }
    const build = tools.easyRsa;
    if (build) {
      add({
        name: `easyrsa build-server-full, ${label}`,
        key,
        tool: "easy-rsa",
        run: (round) => timed(() => build(key, `docker1-${key}-${round + 1}`)),
      });
    }
  }
  return cases;
}

async function runLatency(cases: LatencyCase[]): Promise<void> {
  // One round not recorded: the first requests compile routes, the first processes fill caches.
  for (let round = -1; round < RUNS; round++) {
    for (const c of shuffled(cases)) {
      const sample = await c.run(round);
      if (round < 0) continue;
      c.samples.set(round, sample);
      if (sample.problem) console.error(`${c.name}, round ${round + 1}: ${sample.problem}`);
    }
    if (round >= 0) console.error(`round ${round + 1}/${RUNS} done (load ${loadAverage()})`);
  }
}

function printLatency(cases: LatencyCase[]): void {
  const good = (c: LatencyCase) =>
    [...c.samples].filter(([round, s]) => !s.problem && !c.skipped.has(round)).map(([round, s]) => ({ round, s }));
  /** The median over rounds of this case's time divided by the reference's in the same round. */
  const pairedRatio = (c: LatencyCase, ref: LatencyCase | undefined) => {
    if (!ref) return Number.NaN;
    const ratios = good(c)
      .map(({ round, s }) => {
        const r = ref.samples.get(round);
        return r && !r.problem && !ref.skipped.has(round) ? s.ms / r.ms : Number.NaN;
      })
      .filter(Number.isFinite);
    return median(ratios);
  };
  const refOf = (c: LatencyCase, tool: LatencyCase["tool"]) => cases.find((x) => x.tool === tool && x.key === c.key);
  console.log(
    "| case | runs | errors | p50 ms | p90 ms | issue p50 | zip p50 | × floor | × openssl | × cfssl | × easy-rsa | goal |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const c of cases) {
    const ok = good(c);
    const times = ok.map(({ s }) => s.ms);
    const part = (name: string) => median(ok.map(({ s }) => s.parts?.[name] ?? Number.NaN).filter(Number.isFinite));
    const p50 = median(times);
    const ratios = (["floor", "openssl", "cfssl", "easy-rsa"] as const).map((tool) =>
      tool === c.tool ? Number.NaN : pairedRatio(c, refOf(c, tool)),
    );
    const errors = [...c.samples.values()].filter((s) => s.problem).length;
    let goal = "";
    if (c.goal)
      goal = `${c.goal.text}: ${times.length === 0 ? "not measured" : c.goal.met(p50, ratios[0]) ? "met" : "**missed**"}`;
    const runs = c.skipped.size > 0 ? `${times.length} (${c.skipped.size} found the pool empty)` : times.length;
    const cells = [c.name, runs, errors, fmt(p50), fmt(percentile(times, 0.9)), fmt(part("issue")), fmt(part("zip"))];
    cells.push(...ratios.map((r) => fmt(r, 2)), goal);
    console.log(`| ${cells.join(" | ")} |`);
  }
}

// ---------------------------------------------------------------------------------------------
// Part 2: throughput at 1..16 in flight.

interface LoadCase {
  name: string;
  pid: number;
  /** One request; ms is measured around it unless the answer says. */
  send: (i: number) => Promise<Omit<Sample, "ms"> & { ms?: number }>;
  /** The dashboard under load, whose host list a side loop polls. */
  dashboard?: Dashboard;
  /** Keeps its pool full before and after the level. */
  pool?: Dashboard;
}

interface LoadRow {
  name: string;
  concurrency: number;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  zipP50: number;
  hostsP99: number;
  hostsPolls: number;
  serverCores: number | null;
  serverCpuPerRequest: number | null;
  clientCores: number;
  pool: string;
  load: number;
}

async function runLoad(cases: LoadCase[]): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  // warm-up, not recorded
  for (const c of cases) for (let i = 0; i < 4; i++) await c.send(i);
  for (const concurrency of LEVELS) {
    for (const c of shuffled(cases)) {
      if (c.pool) await settlePool(c.pool);
      const poolBefore = c.pool?.dash.pooledKeys(RSA.keyType, RSA.keySize);
      const d = c.dashboard;
      const poller = d
        ? sideLoop(async () => {
            const res = await fetch(`${d.dash.baseUrl}/api/v1/hosts?page=1`, {
              headers: { authorization: `Bearer ${d.dash.token}` },
            });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`GET /api/v1/hosts: HTTP ${res.status}`);
          }, POLL_PAUSE_MS)
        : null;
      const level = await closedLoop({
        concurrency,
        maxRequests: LEVEL_REQUESTS,
        maxMs: LEVEL_MS,
        serverPid: c.pid,
        send: c.send,
      });
      const side = await poller?.stop();
      const poolAfter = c.pool?.dash.pooledKeys(RSA.keyType, RSA.keySize);
      const ok = level.samples.filter((s) => !s.problem);
      const times = ok.map((s) => s.ms);
      const zips = ok.map((s) => s.parts?.zip ?? Number.NaN).filter(Number.isFinite);
      const errors = level.samples.filter((s) => s.problem);
      for (const e of errors.slice(0, 3)) console.error(`${c.name} at ${concurrency}: ${e.problem}`);
      const row: LoadRow = {
        name: c.name,
        concurrency,
        requests: level.samples.length,
        errors: errors.length,
        perSecond: (ok.length * 1000) / level.wallMs,
        p50: median(times),
        p90: percentile(times, 0.9),
        p99: percentile(times, 0.99),
        zipP50: median(zips),
        hostsP99: side ? percentile(side.times, 0.99) : Number.NaN,
        hostsPolls: side ? side.times.length + side.failures : 0,
        serverCores: level.serverCpuMs === null ? null : level.serverCpuMs / level.wallMs,
        serverCpuPerRequest: level.serverCpuMs === null ? null : level.serverCpuMs / Math.max(1, ok.length),
        clientCores: level.clientCpuMs / level.wallMs,
        pool: poolBefore === undefined ? "" : `${poolBefore} → ${poolAfter}`,
        load: os.loadavg()[0],
      };
      rows.push(row);
      console.error(
        `${c.name}, ${concurrency} in flight: ${row.requests} in ${(level.wallMs / 1000).toFixed(1)} s, ` +
          `${row.perSecond.toFixed(1)}/s, p50 ${fmt(row.p50)} p99 ${fmt(row.p99)} ms, ${row.errors} errors, ` +
          `server ${row.serverCores?.toFixed(2) ?? "n/a"} cores, hosts p99 ${fmt(row.hostsP99)} ms (load ${loadAverage()})`,
      );
      // the pool's refill after the level is not another case's cost
      if (c.pool) await settlePool(c.pool);
    }
  }
  return rows;
}

function printLoad(rows: LoadRow[]): void {
  console.log(
    "| case | in flight | requests | errors | bundles/s | p50 ms | p90 ms | p99 ms | zip p50 ms | GET /api/v1/hosts p99 ms (polls) | server CPU / wall | server CPU ms / bundle | client CPU / wall | pool keys | load |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
  const sorted = [...rows].sort((a, b) => a.name.localeCompare(b.name) || a.concurrency - b.concurrency);
  for (const r of sorted) {
    const cells = [
      r.name,
      r.concurrency,
      r.requests,
      r.errors,
      r.perSecond.toFixed(1),
      fmt(r.p50),
      fmt(r.p90),
      fmt(r.p99),
      fmt(r.zipP50),
      r.hostsPolls ? `${fmt(r.hostsP99)} (${r.hostsPolls})` : "—",
      r.serverCores === null ? "n/a" : r.serverCores.toFixed(2),
      r.serverCpuPerRequest === null ? "n/a" : r.serverCpuPerRequest.toFixed(1),
      r.clientCores.toFixed(2),
      r.pool || "—",
      r.load.toFixed(2),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

// ---------------------------------------------------------------------------------------------
// Part 3: the pool's refill, and what an ECDSA issuance waits meanwhile.

interface RefillRow {
  refill: number;
  emptied: string;
  firstKeyMs: number;
  fullMs: number;
  keys: number;
  keysPerSecond: number;
  idle: number[];
  during: number[];
}

async function runRefill(pool: Dashboard): Promise<RefillRow[]> {
  const rows: RefillRow[] = [];
  const ecdsaLoop = (maxMs: number, stopWhen?: () => boolean) =>
    closedLoop({
      concurrency: 1,
      maxRequests: 100_000,
      maxMs,
      serverPid: pool.dash.pid,
      stopWhen,
      send: (i) => issueBundle(pool, i, "ecdsa-p256"),
    });
  const count = () => pool.dash.pooledKeys(RSA.keyType, RSA.keySize);
  for (let refill = 1; refill <= REFILLS; refill++) {
    await settlePool(pool);
    const idle = await ecdsaLoop(QUICK ? 1500 : 4000);

    // Empty the pool: the setting to 0 should drop the keys; if it leaves them, issue them away.
    const held = count();
    expectStatus(await pool.dash.api("PATCH", "/api/v1/settings", { keyPoolSize: 0 }), 200, "PATCH keyPoolSize 0");
    const t0 = performance.now();
    while (count() > 0 && performance.now() - t0 < 3000) await sleep(20);
    let emptied = held === 0 ? "was empty" : count() === 0 ? `keyPoolSize 0 dropped ${held}` : "";
    if (!emptied) {
      const left = count();
      note(
        `PATCH keyPoolSize 0 left ${left} keys in the pool for 3 s; the bench issued RSA-2048 bundles to use them up`,
      );
      for (let i = 0; i < POOL_SIZE + 4 && count() > 0; i++) await issueBundle(pool, i, "rsa-2048");
      emptied = count() === 0 ? `${left} left, issued away` : `still ${count()} after issuing`;
    }

    expectStatus(
      await pool.dash.api("PATCH", "/api/v1/settings", { keyPoolSize: POOL_SIZE }),
      200,
      "PATCH keyPoolSize 8",
    );
    const tPatch = performance.now();
    const limit = QUICK ? 10_000 : POOL_FILL_MS;
    let have = count();
    let firstKeyMs = have > 0 ? 0 : Number.NaN;
    let fullMs = Number.NaN;
    const watcher = (async () => {
      while (have < POOL_SIZE && performance.now() - tPatch < limit) {
        await sleep(10);
        const now = count();
        if (now > 0 && have === 0) firstKeyMs = performance.now() - tPatch;
        have = now;
      }
      if (have >= POOL_SIZE) fullMs = performance.now() - tPatch;
    })();
    const during = await ecdsaLoop(limit + 1000, () => have >= POOL_SIZE || performance.now() - tPatch >= limit);
    await watcher;
    if (!Number.isFinite(fullMs))
      note(
        `refill ${refill}: the pool held ${have} of ${POOL_SIZE} keys ${limit / 1000} s after PATCH keyPoolSize ${POOL_SIZE}`,
      );
    const ok = (level: typeof idle) => level.samples.filter((s) => !s.problem).map((s) => s.ms);
    const row: RefillRow = {
      refill,
      emptied,
      firstKeyMs,
      fullMs,
      keys: have,
      keysPerSecond: Number.isFinite(fullMs) ? (have * 1000) / fullMs : Number.NaN,
      idle: ok(idle),
      during: ok(during),
    };
    rows.push(row);
    console.error(
      `refill ${refill}: first key after ${fmt(firstKeyMs, 0)} ms, ${have} keys after ${fmt(fullMs, 0)} ms; ` +
        `ECDSA p50 idle ${fmt(median(row.idle))} ms, during ${fmt(median(row.during))} ms (${row.during.length} requests)`,
    );
  }
  return rows;
}

function printRefill(rows: RefillRow[]): void {
  console.log(
    "| refill | emptied | first key ms | full (8) ms | keys/s | ECDSA bundles idle (n) | idle p50 / p90 / p99 ms | during refill (n) | during p50 / p90 / p99 ms | p50 ratio |",
  );
  console.log("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const triple = (xs: number[]) => [0.5, 0.9, 0.99].map((p) => fmt(percentile(xs, p))).join(" / ");
  for (const r of rows) {
    const cells = [
      r.refill,
      r.emptied,
      fmt(r.firstKeyMs, 0),
      fmt(r.fullMs, 0),
      fmt(r.keysPerSecond, 2),
      r.idle.length,
      triple(r.idle),
      r.during.length,
      triple(r.during),
      fmt(median(r.during) / median(r.idle), 2),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startLoad = loadAverage();
  console.error(`load average at the start: ${startLoad}`);
  const available = await availableTools();
  const missing = Object.entries(available)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  if (missing.length > 0)
    note(`not on this machine, left out: ${missing.join(", ")} (apt-get install -y golang-cfssl easy-rsa)`);
  const ports = FIRST_PORT
    ? [FIRST_PORT, FIRST_PORT + 1, FIRST_PORT + 2]
    : [await freePort(), await freePort(), await freePort()];
  const toolDir = mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-tools-"));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(toolDir, { recursive: true, force: true })];
  try {
    // One after the other: the first start builds when the build is stale.
    const profile = CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`] : undefined;
    const pool = await setUpDashboard("pool", ports[0], POOL_SIZE, profile);
    cleanups.push(() => pool.dash.stop());
    const noPool = await setUpDashboard("nopool", ports[1], 0);
    cleanups.push(() => noPool.dash.stop());
    if (pool.ca.keyType !== noPool.ca.keyType || pool.ca.keySize !== noPool.ca.keySize) throw new Error("two CA types");

    const t0 = performance.now();
    const toolCa = await createCa({ commonName: "Bench CA", key: keySpec(pool.ca.keyType, pool.ca.keySize) });
    prepareToolPki(toolDir, toolCa);
    const easyRsa = available.easyrsa ? await prepareEasyRsa(toolDir) : null;
    console.error(
      `in-process CA ${keyLabel(pool.ca)} for the floor and the tools in ${fmt(performance.now() - t0, 0)} ms`,
    );

    const filled = await settlePool(pool, QUICK ? 15_000 : 60_000);
    if (filled !== null) console.error(`the pool filled to ${POOL_SIZE} keys ${fmt(filled, 0)} ms after the setup`);

    const cfssl = available.cfssl ? await startCfsslServe(toolDir, ports[2]) : null;
    if (cfssl) cleanups.push(() => cfssl.stop());

    console.log(`\n${describeMachine()}; ${await toolVersions()}`);
    console.log(
      `Dashboards: \`next start\` (scripts/server.mjs) from ${APP_DIR}, each on a data directory of its own, CA ` +
        `${keyLabel(pool.ca)} made through POST /api/v1/ca, ${HOSTS} hosts (4 SANs each), settings ` +
        `leafKeyType rsa, leafKeySize 2048, keyPoolSize ${POOL_SIZE} ("pool") or 0 ("nopool"); every request names ` +
        `its key type. The floor and the tools use a CA of the same type made in process. Shuffle seed ${seedUsed}; ` +
        `load average at the start ${startLoad}.`,
    );

    let failed = false;
    if (PARTS.has(1)) {
      console.error("\npart 1: interleaved latency");
      const cases = latencyCases(pool, noPool, { dir: toolDir, ca: toolCa, available, easyRsa });
      await runLatency(cases);
      console.log(
        `\n### One server bundle, interleaved (${RUNS} rounds, every case once per round in a random order, 1 round of warm-up)\n`,
      );
      console.log(
        "Dashboard rows: POST /api/v1/hosts/{id}/certificates + GET the bundle.zip (issue p50 and zip p50 are the two " +
          "halves). × columns: the median over rounds of this case's time / the reference's time in the same round, " +
          "for the same leaf key. Pool warm: the pool is full before the request and refilled (waited for, untimed) " +
          `before the next case; pool refills waited for: median ${fmt(median(poolWaits), 0)} ms. Load average now ${loadAverage()}.\n`,
      );
      printLatency(cases);
      failed ||= cases.some((c) => [...c.samples.values()].some((s) => s.problem));
    }

    if (PARTS.has(2)) {
      console.error("\npart 2: throughput");
      const loadRows = await runLoad(loadCases(pool, noPool, cfssl));
      console.log(
        `\n### Throughput (closed loop; each level stops after ${LEVEL_REQUESTS} requests or ${LEVEL_MS / 1000} s; cases in a random order per level)\n`,
      );
      console.log(
        "A dashboard bundle is POST issue + GET zip; cfssl's is one POST /api/v1/cfssl/newcert (key, CSR, certificate " +
          "as JSON, no zip). Server CPU: the serving process group, from /proc, over the level's wall time (2 cores " +
          `here; it includes the polls). GET /api/v1/hosts: page 1 polled by a side loop, one request at a time ${POLL_PAUSE_MS} ms ` +
          `apart, on the dashboard under load. Pool keys: before → after the level, refilled (untimed) before the next case. Load average now ${loadAverage()}.\n`,
      );
      printLoad(loadRows);
      failed ||= loadRows.some((r) => r.errors > 0);
    }

    if (PARTS.has(3)) {
      console.error("\npart 3: pool refill");
      const refills = await runRefill(pool);
      console.log(
        `\n### Key pool refill (keyPoolSize 0, then ${POOL_SIZE}; ECDSA bundles one at a time meanwhile, against the same with the pool full and idle just before)\n`,
      );
      printRefill(refills);
    }

    console.log(`\nLoad average at the end ${loadAverage()}.`);
    if (notes.length > 0) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
    if (failed) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`cleanup: ${err.message}`));
  }
  if (CPU_PROF) printProfile(CPU_PROF);
}

function loadCases(pool: Dashboard, noPool: Dashboard, cfssl: CfsslServer | null): LoadCase[] {
  const dashboardCase = (name: string, d: Dashboard, key: LeafKey, pooled: boolean): LoadCase => ({
    name,
    pid: d.dash.pid,
    dashboard: d,
    pool: pooled ? d : undefined,
    send: (i) => issueBundle(d, i, key),
  });
  const cases: LoadCase[] = [
    dashboardCase("dashboard, ECDSA P-256", pool, "ecdsa-p256", false),
    dashboardCase("dashboard, RSA-2048, pool (8)", pool, "rsa-2048", true),
    dashboardCase("dashboard, RSA-2048, pool off", noPool, "rsa-2048", false),
  ];
  for (const key of cfssl ? (["ecdsa-p256", "rsa-2048"] as const) : []) {
    cases.push({
      name: `cfssl serve newcert, ${key === "rsa-2048" ? "RSA-2048" : "ECDSA P-256"}`,
      pid: (cfssl as CfsslServer).pid,
      send: async () => {
        const answer = await (cfssl as CfsslServer).newcert(key);
        return { problem: answer.ok ? null : `HTTP ${answer.status}: ${answer.body.slice(0, 200)}` };
      },
    });
  }
  return cases;
}

/** Where the pooled dashboard's main thread spent its time over the whole run (start-up left out). */
function printProfile(dir: string): void {
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()
    .at(-1);
  if (!newest) return;
  const { busyMs, rows } = summarizeCpuProfile(path.join(dir, newest));
  console.log(
    `\nThe pooled dashboard's main thread, from its CPU profile (${newest}): ${(busyMs / 1000).toFixed(1)} s busy\n`,
  );
  console.log("| where | ms | share |\n|---|---:|---:|");
  for (const r of rows) console.log(`| ${r.bucket} | ${r.ms.toFixed(0)} | ${((100 * r.ms) / busyMs).toFixed(1)}% |`);
}

await main();
