// The live probe at fleet scale, on loopback only, in two measurements. First probeEndpoints alone:
// 1,000 ports that refuse, 20 connections a server accepts and never answers (each costs the whole
// timeout), and a few mutual-TLS stand-ins that answer GET /version, at 16 and at 64 in flight. Then
// the fleet probe as the dashboard runs it, probeAllHosts over 1,000 mutual-TLS hosts in a throw-away
// database, 8 hosts at a time, every probe stored. What bounds a run is the timeouts:
// ceil(timeouts / concurrency) x timeout, plus a margin for everything else.
// Run: node --conditions=react-server --import tsx bench/probe.ts [--runs N] [--timeout-ms N]
import { AsyncLocalStorage } from "node:async_hooks";
import { rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { type EndpointResult, type ProbeTarget, probeEndpoints } from "@/lib/monitoring/probe";
import { makeTestPki } from "@/lib/test-support/bundle-pki";
import { installQueryLog } from "@/lib/test-support/query-log";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { describeMachine, loadAverage, summarize } from "./support/measure";
import { installPrismaCallTimer } from "./support/prisma-calls";

process.env.DOCKPKI_PROBE_LOOPBACK_ONLY = "1";
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const RUNS = arg("runs") ?? 3;
const TIMEOUT_MS = arg("timeout-ms") ?? 3000;
const COUNTS = { refused: 1000, timeout: 20, live: 5 };
const CONCURRENCY = [16, 64];
const MARGIN_MS = 1500;

// Every client socket this process opens goes through Socket#connect (tls.connect included), and
// the probe settles only once its socket has closed: this counts connections open at once.
let open = 0;
let mostOpen = 0;
const connectSocket = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  mostOpen = Math.max(mostOpen, ++open);
  this.once("close", () => open--);
  return (connectSocket as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connectSocket;

let held = 0;
let mostHeld = 0;
const hold = (socket: net.Socket) => {
  mostHeld = Math.max(mostHeld, ++held);
  socket.once("close", () => held--);
  // Read (and drop) what comes, so that the client's close reaches this side as an end.
  if (!(socket instanceof tls.TLSSocket)) socket.resume();
};

async function listen(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

const answerVersion = (_req: IncomingMessage, res: ServerResponse) =>
  res.writeHead(200).end('{"Version":"27.5.1","ApiVersion":"1.47"}');
/** The nearest-rank percentile of sorted timings. */
const percentile = (sorted: number[], q: number) => sorted[Math.ceil(sorted.length * q) - 1];

/**
 * Times each host's probe as probeHost runs it, from reading the host to its transaction's commit,
 * by wrapping the Prisma client kept on globalThis (so: before lib/db.ts is imported). A
 * transaction learns its host from the HostProbe row it creates.
 */
function installHostSpans() {
  const holder = globalThis as unknown as { dockpkiPrisma: PrismaClient };
  const started = new Map<string, number>();
  const took = new Map<string, number>();
  const inTransaction = new AsyncLocalStorage<{ hostId?: string }>();
  const client = holder.dockpkiPrisma.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const a = args as { where?: { id?: string }; data?: { hostId?: string } };
        if (model === "Host" && operation === "findUnique" && a.where?.id) started.set(a.where.id, performance.now());
        const tx = inTransaction.getStore();
        if (tx && model === "HostProbe" && operation === "create") tx.hostId = a.data?.hostId;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const transaction = client.$transaction.bind(client) as (...a: unknown[]) => Promise<unknown>;
  Object.assign(client, {
    $transaction: (...a: unknown[]) => {
      const tx: { hostId?: string } = {};
      return inTransaction.run(tx, async () => {
        const result = await transaction(...a);
        const start = tx.hostId ? started.get(tx.hostId) : undefined;
        if (tx.hostId && start !== undefined) took.set(tx.hostId, performance.now() - start);
        return result;
      });
    },
  });
  holder.dockpkiPrisma = client;
  const clear = () => {
    started.clear();
    took.clear();
  };
  return { took, clear };
}

/** Ports below the ephemeral range (so no outgoing connection of ours takes one as its source
 * port) that nothing listens on: each is bound once and closed, so it refuses. */
async function refusingPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = 20_000; ports.length < count && port < 32_000; port++) {
    const server = net.createServer();
    if (await listen(server, port).catch(() => 0)) ports.push(port);
    await new Promise((resolve) => server.close(resolve));
  }
  if (ports.length < count) throw new Error(`only ${ports.length} free ports in 20000-31999`);
  return ports;
}

const pki = makeTestPki();
const silent = net.createServer(hold);
const silentPort = await listen(silent);
const live = createHttpsServer(
  {
    cert: pki.serverCertPem,
    key: pki.serverKeyPem,
    ca: pki.caPem,
    requestCert: true,
    rejectUnauthorized: true,
  },
  answerVersion,
);
live.on("connection", hold);
const livePort = await listen(live);
const refused = await refusingPorts(COUNTS.refused);

// Timeouts and live stand-ins spread evenly through the refusing ports.
const kind = new Map<number, "refused" | "timeout" | "live">();
const targets: ProbeTarget[] = refused.map((port) => ({ address: "127.0.0.1", port }));
const every = Math.floor(targets.length / (COUNTS.timeout + COUNTS.live));
for (let i = 0; i < COUNTS.timeout + COUNTS.live; i++) {
  targets.splice(i * (every + 1), 0, { address: "127.0.0.1", port: i < COUNTS.timeout ? silentPort : livePort });
}
for (const t of targets) kind.set(t.port, t.port === silentPort ? "timeout" : t.port === livePort ? "live" : "refused");
const expected = { refused: "connection refused", timeout: `timed out after ${TIMEOUT_MS / 1000} s`, live: undefined };
const materials = { trustedCaPems: [pki.caPem], clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem };
const current = (await probeEndpoints([{ address: "127.0.0.1", port: livePort }], materials, null))[0].servedSerial;

console.error(`load average at the start: ${loadAverage()}`);
const rows: string[] = [];
let failed = false;
for (const concurrency of CONCURRENCY) {
  const bound = Math.ceil(COUNTS.timeout / concurrency) * TIMEOUT_MS + MARGIN_MS;
  for (let run = 1; run <= RUNS; run++) {
    mostOpen = 0;
    mostHeld = 0;
    const t0 = performance.now();
    const results = await probeEndpoints(targets, materials, current ?? null, { concurrency, timeoutMs: TIMEOUT_MS });
    const wall = performance.now() - t0;
    const wrong = results.filter(
      (r, i) => r.port !== targets[i].port || r.error !== expected[kind.get(r.port) ?? "live"],
    );
    const by = (k: string) => results.filter((r) => kind.get(r.port) === k).map((r: EndpointResult) => r.durationMs);
    const all = results.map((r) => r.durationMs).sort((a, b) => a - b);
    const within = wall <= bound && mostOpen <= concurrency;
    if (!within || wrong.length > 0) failed = true;
    for (const r of wrong.slice(0, 3)) console.error(`unexpected: ${r.address}:${r.port} ${r.error ?? "ok"}`);
    const cells = [
      concurrency,
      run,
      (wall / 1000).toFixed(2),
      (bound / 1000).toFixed(1),
      within ? "yes" : "**no**",
      summarize(all).median.toFixed(1),
      percentile(all, 0.99).toFixed(1),
      summarize(by("refused")).median.toFixed(1),
      summarize(by("live")).median.toFixed(1),
      summarize(by("timeout")).median.toFixed(0),
      mostOpen,
      mostHeld,
      wrong.length,
      loadAverage().split(" ")[0],
    ];
    rows.push(`| ${cells.join(" | ")} |`);
    console.error(rows.at(-1));
  }
}

// ---------------------------------------------------------------------------------------------
// The fleet probe as the dashboard's scheduler runs it: probeAllHosts, 8 hosts at a time
// (HOSTS_AT_ONCE in host-probe.ts), each host read, its monitoring credentials found (issued by
// the first probes of a fresh dashboard), its one address probed and the result stored in a
// transaction. The timeout is probeEndpoints' default, 3 s, whatever --timeout-ms says. The bound:
// ceil(20 silent hosts / 8) rounds of 3 s, plus the fleet's own work, measured one host at a time.
const FLEET = { hosts: 1000, timeout: 20, live: 3 };
const HOSTS_AT_ONCE = 8;
const FLEET_TIMEOUT_MS = 3000;
const SERIAL_SAMPLE = 50;

const temp = await prepareTempDataDir();
installQueryLog(temp);
const prismaCalls = installPrismaCallTimer();
const hostSpans = installHostSpans();
const { createCertificateAuthority, trustedCaPems } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { unseal } = await import("@/lib/crypto/seal");
const { probeAllHosts, probeHost } = await import("@/lib/monitoring/host-probe");
const { db } = await import("@/lib/db");

const cli = { kind: "cli" } as const;
await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA", keySize: 2048 }));
type Kind = "refused" | "timeout" | "live";
// Silent and live hosts spread evenly through the refusing ones, in the order probeAllHosts takes them.
const fleetKinds: Kind[] = Array(FLEET.hosts - FLEET.timeout - FLEET.live).fill("refused");
const fleetEvery = Math.floor(fleetKinds.length / (FLEET.timeout + FLEET.live));
for (let i = 0; i < FLEET.timeout + FLEET.live; i++) {
  fleetKinds.splice(i * (fleetEvery + 1), 0, i < FLEET.timeout ? "timeout" : "live");
}
const since = Date.now() - 86_400_000;
let nextRefused = 0;
await db.host.createMany({
  data: fleetKinds.map((k, i) => ({
    name: `probe-${i + 1}`,
    nameKey: `probe-${i + 1}`,
    dnsNames: "[]",
    ipAddresses: '["127.0.0.1"]',
    // A live host's port is set once its stand-in listens.
    port: k === "refused" ? refused[nextRefused++] : k === "timeout" ? silentPort : 1,
    createdAt: new Date(since + i),
  })),
});
const fleet = await db.host.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
const kindOf = new Map(fleet.map((h, i) => [h.id, fleetKinds[i]]));
// A live host serves its current certificate (issued by the app) and asks for one from dockpki's CA.
const standIns: net.Server[] = [];
const caPems = await trustedCaPems();
for (const [i, k] of fleetKinds.entries()) {
  if (k !== "live") continue;
  const { id } = await issueHostCertificate(cli, fleet[i].id, {});
  const row = await db.certificate.findUniqueOrThrow({ where: { id }, select: { certPem: true, keySealed: true } });
  const key = unseal(row.keySealed ?? new Uint8Array(), `certificate:${id}`);
  const server = createHttpsServer(
    { cert: row.certPem, key, ca: caPems, requestCert: true, rejectUnauthorized: true },
    answerVersion,
  );
  server.on("connection", hold);
  standIns.push(server);
  await db.host.update({ where: { id: fleet[i].id }, data: { port: await listen(server) } });
}
const fleetExpected: Record<Kind, { status: string; says: string }> = {
  refused: { status: "unreachable", says: "connection refused" },
  timeout: { status: "unreachable", says: `timed out after ${FLEET_TIMEOUT_MS / 1000} s` },
  live: { status: "current", says: "Serving the current certificate on 1 of 1 address." },
};
const clearProbes = async () => {
  await db.hostProbe.deleteMany();
  await db.host.updateMany({ data: { lastProbeAt: null, lastProbeStatus: null, lastProbeSummary: null } });
};
const monitorCerts = () => db.certificate.count({ where: { purpose: "monitor" } });

// One host at a time first: the first probe issues the monitoring certificate; the next ones give
// what a refusing host costs with nothing beside it, which makes the bound's margin.
const refusing = fleet.filter((h) => kindOf.get(h.id) === "refused");
let t0 = performance.now();
await probeHost(refusing[0].id, "schedule");
const firstProbeMs = performance.now() - t0;
const serialMs: number[] = [];
prismaCalls.fileUnder("serial");
for (const h of refusing.slice(1, 1 + SERIAL_SAMPLE)) {
  t0 = performance.now();
  await probeHost(h.id, "schedule");
  serialMs.push(performance.now() - t0);
}
prismaCalls.fileUnder(null);
const serial = summarize(serialMs);
const fleetMargin = Math.ceil((FLEET.hosts * serial.median) / 100) * 100;
const fleetBound = Math.ceil(FLEET.timeout / HOSTS_AT_ONCE) * FLEET_TIMEOUT_MS + fleetMargin;
// Then the fleet as a fresh dashboard first probes it: no monitoring certificate yet.
await db.certificate.deleteMany({ where: { purpose: "monitor" } });

const fleetRows: string[] = [];
for (let run = 1; run <= RUNS; run++) {
  await clearProbes();
  hostSpans.clear();
  const certsBefore = await monitorCerts();
  mostOpen = 0;
  mostHeld = 0;
  prismaCalls.fileUnder(`fleet ${run}`);
  const t0 = performance.now();
  const outcome = await probeAllHosts();
  const wall = performance.now() - t0;
  prismaCalls.fileUnder(null);
  const issued = (await monitorCerts()) - certsBefore;
  const stored = await db.host.findMany({
    select: { id: true, lastProbeStatus: true, lastProbeSummary: true, _count: { select: { probes: true } } },
  });
  const wrong = stored.filter((h) => {
    const want = fleetExpected[kindOf.get(h.id) ?? "refused"];
    return h._count.probes !== 1 || h.lastProbeStatus !== want.status || !h.lastProbeSummary?.includes(want.says);
  });
  for (const h of wrong.slice(0, 3)) {
    console.error(`unexpected: host ${h.id} ${h.lastProbeStatus} (${h._count.probes} probes) ${h.lastProbeSummary}`);
  }
  const spans = [...hostSpans.took.values()].sort((a, b) => a - b);
  const spanOf = (k: Kind) => fleet.filter((h) => kindOf.get(h.id) === k).map((h) => hostSpans.took.get(h.id) ?? 0);
  const dbMs = prismaCalls.totals(`fleet ${run}`).reduce((sum, c) => sum + c.totalMs, 0);
  const complete = outcome.probed === FLEET.hosts && outcome.errors === 0 && spans.length === FLEET.hosts;
  const within = wall <= fleetBound && mostOpen <= HOSTS_AT_ONCE && complete;
  if (!within || wrong.length > 0) failed = true;
  const cells = [
    run,
    issued,
    (wall / 1000).toFixed(2),
    (fleetBound / 1000).toFixed(1),
    within ? "yes" : "**no**",
    summarize(spans).median.toFixed(1),
    percentile(spans, 0.99).toFixed(1),
    summarize(spanOf("refused")).median.toFixed(1),
    summarize(spanOf("live")).median.toFixed(1),
    summarize(spanOf("timeout")).median.toFixed(0),
    summarize(fleet.slice(0, HOSTS_AT_ONCE).map((h) => hostSpans.took.get(h.id) ?? 0)).median.toFixed(1),
    (dbMs / FLEET.hosts).toFixed(1),
    mostOpen,
    mostHeld,
    wrong.length,
    loadAverage().split(" ")[0],
  ];
  fleetRows.push(`| ${cells.join(" | ")} |`);
  console.error(fleetRows.at(-1));
}

console.log(`\n${describeMachine()}`);
console.log(
  `${COUNTS.refused} refusing ports, ${COUNTS.timeout} silent connections (timeout ${TIMEOUT_MS} ms), ${COUNTS.live} mutual-TLS stand-ins with GET /version; ${targets.length} targets in all, on 127.0.0.1`,
);
console.log(
  "| in flight | run | wall s | bound s | within | p50 ms | p99 ms | refused p50 ms | live p50 ms | timeout p50 ms | most open (client) | most held (stand-ins) | unexpected | load |",
);
console.log("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);

console.log(
  `\nprobeAllHosts over ${FLEET.hosts} mutual-TLS hosts on 127.0.0.1, ${HOSTS_AT_ONCE} at a time: ${fleetKinds.filter((k) => k === "refused").length} refusing, ${FLEET.timeout} silent (timeout ${FLEET_TIMEOUT_MS} ms), ${FLEET.live} live stand-ins`,
);
console.log(
  `One host at a time: the first probe (issues the monitoring certificate) ${firstProbeMs.toFixed(0)} ms; then ${SERIAL_SAMPLE} refusing hosts, median ${serial.median.toFixed(1)} ms, p90 ${serial.p90.toFixed(1)} ms`,
);
console.log(
  `Bound: ceil(${FLEET.timeout} / ${HOSTS_AT_ONCE}) x ${FLEET_TIMEOUT_MS / 1000} s + ${FLEET.hosts} x ${serial.median.toFixed(1)} ms = ${(fleetBound / 1000).toFixed(1)} s`,
);
console.log("\nPrisma calls of one probe (refusing host, one at a time), as the caller waits for them:");
console.log("| call | per probe | ms per probe |");
console.log("|---|---:|---:|");
for (const c of prismaCalls.totals("serial")) {
  console.log(`| ${c.call} | ${c.count / SERIAL_SAMPLE} | ${(c.totalMs / SERIAL_SAMPLE).toFixed(2)} |`);
}
console.log(
  "\n| run | monitor certs issued | wall s | bound s | within | per host p50 ms | p99 ms | refused p50 ms | live p50 ms | timeout p50 ms | first 8 hosts p50 ms | DB wait per host ms | most open (client) | most held (stand-ins) | unexpected | load |",
);
console.log("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of fleetRows) console.log(row);
console.log(`\nload average at the end ${loadAverage()}`);
silent.close();
live.close();
for (const server of standIns) server.close();
temp.cleanup();
rmSync(pki.dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
