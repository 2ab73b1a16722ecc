// Self-renewal at fleet size: 1,000 agents (500 hosts, 500 clients), each holding the key of its
// current certificate (issued from its own CSR), renew against the production server over loopback
// as lib/renewal/PROTOCOL.md describes (POST /api/v1/renew, proof of possession, Accept: text/plain)
// at concurrency 1, 4 and 16; beside them, issuing through the admin API (POST
// /api/v1/{hosts,clients}/{id}/certificates, bearer token), from a CSR and with the server making
// the key; and where a renewal's time goes inside the dashboard (the same lib/ calls, timed in
// this process before the server starts).
// Run: node --conditions=react-server --import tsx bench/renewal.ts [--agents N] [--admin N]
//        [--levels 1,4,16] [--app-dir DIR] [--port P] [--cpu-prof DIR]
// (--app-dir: serve another checkout, e.g. a built copy, so a build here does not disturb others;
// --cpu-prof: the server, started without start.mjs's build check, writes a V8 CPU profile into DIR
// when it stops, for chrome://inspect)
import { execFile } from "node:child_process";
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
  X509Certificate,
} from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { installQueryLog } from "@/lib/test-support/query-log";
import { prepareTempDataDir, repoRoot } from "@/lib/test-support/temp-data-dir";
import { summarizeCpuProfile } from "./support/cpu-profile";
import { createRecorder, describeMachine, loadAverage } from "./support/measure";
import { installPrismaCallTimer } from "./support/prisma-calls";
import { processGroupCpuMs } from "./support/proc";
import { startServer } from "./support/server";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const AGENTS = Number(arg("agents") ?? 1000);
const ADMIN = Number(arg("admin") ?? 200);
const LEVELS = (arg("levels") ?? "1,4,16").split(",").map(Number);
const APP_DIR = path.resolve(arg("app-dir") ?? repoRoot);
const PORT = Number(arg("port") ?? 3401);
const CPU_PROF = arg("cpu-prof");
/**
 * Keys and CSRs made with openssl before anything is timed; an agent's next key is the pool's next
 * one. Real keys are all different; here about 40 certificates end up sharing each key, which the
 * key-compromise lookup (by public key hash) reads through, so the pool is not made much smaller.
 */
const POOL = 128;
/** Agents renewing in this process, to split a renewal's time; and agents that warm the server up. */
const SPLIT = 40;
const WARM = 16;
const execFileAsync = promisify(execFile);

console.error(`load average at the start: ${loadAverage()}`);
const temp = await prepareTempDataDir();
const queryLog = installQueryLog(temp);
const prismaCalls = installPrismaCallTimer();
const { createCertificateAuthority, loadActiveCaSigner } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { getSettings, saveSettings } = await import("@/lib/settings");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { createClient } = await import("@/lib/inventory/clients");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { createApiToken } = await import("@/lib/api-tokens");
const { renewCertificate } = await import("@/lib/renewal/renew");
const { parseCsr } = await import("@/lib/pki/csr");
const { loadCaSigner } = await import("@/lib/pki/ca-signer");
const { buildServerCertificate } = await import("@/lib/pki/profiles");
const { takeSlot } = await import("@/lib/auth/throttle");
const { db } = await import("@/lib/db");

const cli = { kind: "cli" } as const;
const sha256Hex = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const seconds = (ms: number) => (ms / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------------
// The dashboard: a CA as `caCreateSchema` defaults it (RSA-4096, 10 years), 2048-bit leaves, and a
// public URL, so holders with renewal on get the short renewal lifetimes (30 days, 7 for clients).

let t = performance.now();
// RSA-4096 (the CA default before ECDSA P-256) and RSA-2048 leaves without the key pool, so the
// figures stay comparable with the earlier runs in bench/README.md.
const ca = await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA", keyType: "rsa" }));
const caMs = performance.now() - t;
await saveSettings(cli, {
  ...(await getSettings()),
  publicUrl: `http://127.0.0.1:${PORT}`,
  leafKeyType: "rsa",
  leafKeySize: 2048,
  keyPoolSize: 0,
});
const caPublicKey = new X509Certificate(ca.certPem).publicKey;
console.error(`CA RSA-${ca.keySize} made in ${seconds(caMs)} s`);

// ---------------------------------------------------------------------------------------------
// Agents' keys: made on the hosts, not by the dashboard, so made here with openssl before the timing.

interface PoolKey {
  key: KeyObject;
  spkiDer: Buffer;
  csrDer: Buffer;
  csrB64: string;
  csrPem: string;
}

async function makeKeyPool(n: number): Promise<PoolKey[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-keys-"));
  const pool: PoolKey[] = new Array(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const keyFile = path.join(dir, `k${i}.pem`);
      const { stdout } = await execFileAsync(
        "openssl",
        [
          "req",
          "-new",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-subj",
          `/CN=agent-${i}`,
          "-keyout",
          keyFile,
          "-outform",
          "DER",
        ],
        { encoding: "buffer" },
      );
      const key = createPrivateKey(readFileSync(keyFile));
      const csrB64 = stdout.toString("base64");
      pool[i] = {
        key,
        spkiDer: createPublicKey(key).export({ type: "spki", format: "der" }),
        csrDer: stdout,
        csrB64,
        csrPem: `-----BEGIN CERTIFICATE REQUEST-----\n${csrB64.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`,
      };
    }
  };
  await Promise.all([worker(), worker()]);
  rmSync(dir, { recursive: true, force: true });
  return pool;
}

t = performance.now();
const pool = await makeKeyPool(POOL);
console.error(`${POOL} RSA-2048 keys and CSRs made with openssl in ${seconds(performance.now() - t)} s`);

// ---------------------------------------------------------------------------------------------
// Holders, through the app's own paths: createHost/createClient, then a first certificate from the
// agent's CSR (issueHostCertificate/issueClientCertificate), signed by the CA like any other.

interface Agent {
  kind: "host" | "client";
  holderId: string;
  serial: string;
  /** The pool key of the current certificate, i.e. the key the agent signs with. */
  keyIndex: number;
}

async function seedAgents(prefix: string, count: number, offset: number): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (let i = 0; i < count; i++) {
    const keyIndex = (offset + i) % POOL;
    const n = Math.floor(i / 2) + 1;
    if (i % 2 === 0) {
      const name = `${prefix}-host-${n}`;
      const host = await createHost(cli, hostCreateSchema.parse({ name, dnsNames: [`${name}.example.com`] }));
      const cert = await issueHostCertificate(cli, host.id, { csrPem: pool[keyIndex].csrPem });
      agents.push({ kind: "host", holderId: host.id, serial: cert.serial, keyIndex });
    } else {
      const client = await createClient(cli, { name: `${prefix}-client-${n}`, kind: "ci", notes: "" });
      const cert = await issueClientCertificate(cli, client.id, { csrPem: pool[keyIndex].csrPem });
      agents.push({ kind: "client", holderId: client.id, serial: cert.serial, keyIndex });
    }
  }
  return agents;
}

t = performance.now();
const agents = await seedAgents("agent", AGENTS, 0);
const splitAgents = await seedAgents("split", SPLIT, 7);
const warmAgents = await seedAgents("warm", WARM, 13);
const seedMs = performance.now() - t;
const { token: apiToken } = await createApiToken(cli, { name: "bench", scope: "admin", expires: null });
console.error(
  `seeded ${AGENTS + SPLIT + WARM} holders with a certificate each from a CSR in ${seconds(seedMs)} s ` +
    `(${(seedMs / (AGENTS + SPLIT + WARM)) | 0 || "<1"} ms each)`,
);

// ---------------------------------------------------------------------------------------------
// The agent's side of the protocol, written from PROTOCOL.md rather than from lib/renewal/proof.ts.

/** The next key: the pool's next one, so it always differs from the current one. */
const nextKeyOf = (agent: Agent) => (agent.keyIndex + 1) % POOL;

function renewRequest(agent: Agent, time = Math.floor(Date.now() / 1000)) {
  const next = pool[nextKeyOf(agent)];
  const canonical = `dockpki-renew-v1\n${agent.serial}\n${time}\n${sha256Hex(next.csrDer)}`;
  const signature = sign("sha256", Buffer.from(canonical), pool[agent.keyIndex].key).toString("base64");
  return { serial: agent.serial, time, csr: next.csrB64, signature };
}

const ANSWER =
  /^# dockpki-renew-v1\n# cert\.pem\n(-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n)# ca\.pem\n-----BEGIN CERTIFICATE-----\n[\s\S]+# end\n$/;

/** Checks a certificate as the agent would (CA signature, its own new key); null when it is right. */
function certificateProblem(certPem: string, keyIndex: number): string | null {
  const x509 = new X509Certificate(certPem);
  if (!x509.verify(caPublicKey)) return "the certificate is not signed by the CA";
  if (!x509.publicKey.export({ type: "spki", format: "der" }).equals(pool[keyIndex].spkiDer)) {
    return "the certificate is not for the CSR's key";
  }
  return null;
}

/** Checks a renewal's answer and moves the agent onto its new certificate and key. */
function acceptRenewal(agent: Agent, answer: Outcome): string | null {
  if (answer.status !== 200) return `${answer.status}: ${answer.body.slice(0, 200)}`;
  const match = ANSWER.exec(answer.body);
  if (!match) return `no cert.pem and ca.pem sections: ${answer.body.slice(0, 100)}`;
  const problem = certificateProblem(match[1], nextKeyOf(agent));
  if (problem) return problem;
  agent.serial = new X509Certificate(match[1]).serialNumber.toLowerCase().padStart(32, "0");
  agent.keyIndex = nextKeyOf(agent);
  return null;
}

// ---------------------------------------------------------------------------------------------
// A closed loop: `concurrency` workers, each sending its next request as soon as the last answered.

interface Outcome {
  ms: number;
  status: number;
  body: string;
}

interface Level {
  outcomes: Outcome[];
  wallMs: number;
  serverCpuMs: number | null;
  clientCpuMs: number;
}

async function runLevel(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<Omit<Outcome, "ms">>,
  serverPid: number,
): Promise<Level> {
  const outcomes: Outcome[] = new Array(count);
  let next = 0;
  const serverCpu0 = processGroupCpuMs(serverPid);
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const start = performance.now();
      try {
        outcomes[i] = { ...(await send(i)), ms: performance.now() - start };
      } catch (err) {
        outcomes[i] = { status: 0, body: (err as Error).message, ms: performance.now() - start };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const serverCpu1 = processGroupCpuMs(serverPid);
  const clientCpu = process.cpuUsage(clientCpu0);
  return {
    outcomes,
    wallMs,
    serverCpuMs: serverCpu0 === null || serverCpu1 === null ? null : serverCpu1 - serverCpu0,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
  };
}

/** Nearest-rank percentile. */
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)];

interface TableRow {
  operation: string;
  concurrency: number;
  requests: number;
  errors: number;
  wallMs: number;
  p50: number;
  p95: number;
  p99: number;
  serverCpuMs: number | null;
  clientCpuMs: number;
  load: number;
}
const table: TableRow[] = [];
const errorSamples: string[] = [];

function tabulate(operation: string, concurrency: number, level: Level, problems: (string | null)[]): void {
  const sorted = level.outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const errors = problems.filter((p) => p !== null);
  errorSamples.push(...errors.slice(0, 3).map((e) => `${operation} at ${concurrency}: ${e}`));
  const row: TableRow = {
    operation,
    concurrency,
    requests: sorted.length,
    errors: errors.length,
    wallMs: level.wallMs,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    serverCpuMs: level.serverCpuMs,
    clientCpuMs: level.clientCpuMs,
    load: os.loadavg()[0],
  };
  table.push(row);
  console.error(
    `${operation}, concurrency ${concurrency}: ${row.requests} in ${seconds(row.wallMs)} s ` +
      `(${((row.requests * 1000) / row.wallMs).toFixed(1)}/s), p50 ${row.p50.toFixed(1)} p95 ${row.p95.toFixed(1)} ` +
      `p99 ${row.p99.toFixed(1)} ms, ${row.errors} errors, server CPU ${level.serverCpuMs} ms, ` +
      `client CPU ${level.clientCpuMs.toFixed(0)} ms (load ${row.load.toFixed(2)})`,
  );
}

function printTable(): void {
  console.log(
    "| operation | concurrency | requests | errors | per second | p50 ms | p95 ms | p99 ms | server CPU ms / req | client CPU ms / req | load |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of table) {
    const cpu = r.serverCpuMs === null ? "n/a" : (r.serverCpuMs / r.requests).toFixed(1);
    const cells = [
      r.operation,
      r.concurrency,
      r.requests,
      r.errors,
      ((r.requests * 1000) / r.wallMs).toFixed(1),
      r.p50.toFixed(1),
      r.p95.toFixed(1),
      r.p99.toFixed(1),
      cpu,
      (r.clientCpuMs / r.requests).toFixed(1),
      r.load.toFixed(2),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

// ---------------------------------------------------------------------------------------------
// Inside the dashboard: the pieces of one renewal, timed in this process on the same database.

const split = createRecorder({ runs: 30, warmup: 3 });
let callRows: string[] = [];
let slowestSql: string[] = [];

async function measureSplit(): Promise<void> {
  const signer = await loadActiveCaSigner();
  const caKey = createPrivateKey(signer.keyPem);
  const tbs = Buffer.alloc(1100, 1); // about a leaf's TBSCertificate with a 2048-bit key
  await split.measure("RSA-4096 CA signature alone (key parsed once)", () => sign("sha256", tbs, caKey));
  await split.measure("CA private key PEM parse (signDer passes the PEM string)", () =>
    createPrivateKey(signer.keyPem),
  );
  await split.measure("loadActiveCaSigner (DB read + unseal)", () => loadActiveCaSigner());
  await split.measure("loadCaSigner (forge parses the CA certificate)", () => loadCaSigner(signer));
  const csrPem = pool[0].csrPem;
  await split.measure("parseCsr (RSA-2048 CSR, self-signature checked)", () => parseCsr(csrPem));
  const anyCert = await db.certificate.findFirstOrThrow({ select: { certPem: true } });
  const message = Buffer.from("dockpki-renew-v1\nserial\n0\nhash");
  const proofSignature = sign("sha256", message, pool[0].key);
  await split.measure("proof check (X509Certificate parse + RSA-2048 verify)", () =>
    verify("sha256", message, new X509Certificate(anyCert.certPem).publicKey, proofSignature),
  );
  const publicKeyPem = parseCsr(csrPem).publicKeyPem;
  await split.measure("buildServerCertificate (forge build + native CA signature)", () =>
    buildServerCertificate({
      publicKeyPem,
      ca: signer,
      commonName: "split.example.com",
      dnsNames: ["split.example.com"],
      ipAddresses: [],
      days: 30,
    }),
  );
  let slot = 0;
  await split.measure("one SQLite write committed alone (a throttle slot upsert)", () =>
    takeSlot(`bench:${slot++}`, 3_600_000, new Date()),
  );

  // renewCertificate end to end, one renewal per split agent, request signed outside the timing;
  // every SQL statement it sends is filed to count them.
  const renew = async (label: string) => {
    const times: number[] = [];
    queryLog.fileUnder(label);
    prismaCalls.fileUnder(label);
    for (const agent of splitAgents) {
      const request = renewRequest(agent);
      const start = performance.now();
      const answer = await renewCertificate(request, "127.0.0.1");
      times.push(performance.now() - start);
      agent.serial = answer.certificate.serial;
      agent.keyIndex = nextKeyOf(agent);
    }
    queryLog.fileUnder(null);
    prismaCalls.fileUnder(null);
    const per = (n: number) => n / splitAgents.length;
    const statements = queryLog.statements(label);
    const sqlCount = per(statements.reduce((n, s) => n + s.count, 0));
    const sqlMs = per(statements.reduce((n, s) => n + s.medianMs * s.count, 0));
    const calls = prismaCalls.totals(label);
    const callMs = per(calls.reduce((n, c) => n + c.totalMs, 0));
    split.record(
      label,
      times.slice(3),
      `${per(calls.reduce((n, c) => n + c.count, 0)).toFixed(0)} Prisma calls waited on for ${callMs.toFixed(1)} ms in all; ` +
        `${sqlCount.toFixed(0)} SQL statements, ${sqlMs.toFixed(1)} ms in SQLite as Prisma's query events time them`,
    );
    callRows = calls.map((c) => `| ${c.call} | ${per(c.count).toFixed(0)} | ${per(c.totalMs).toFixed(2)} |`);
    slowestSql = statements
      .slice(0, 5)
      .map(
        (st) =>
          `| ${st.medianMs.toFixed(2)} | ${per(st.count).toFixed(0)} | \`${st.sql.slice(0, 140).replaceAll("|", "\\|")}\` |`,
      );
  };
  await renew("renewCertificate in process (proof, throttle, CSR, sign, 1 transaction)");
  const hosts = splitAgents.filter((a) => a.kind === "host");
  let h = 0;
  await split.measure("issueHostCertificate from a CSR in process (what the admin API runs)", () =>
    issueHostCertificate(cli, hosts[h++ % hosts.length].holderId, { csrPem }),
  );
}

// ---------------------------------------------------------------------------------------------

console.log(`\n${describeMachine()}, load average at the start ${loadAverage()}`);
console.log(
  `CA: RSA-${ca.keySize}, made in ${seconds(caMs)} s; leaves RSA-2048 (leafKeyType rsa, leafKeySize 2048, keyPoolSize 0); ` +
    `publicUrl http://127.0.0.1:${PORT}. ${AGENTS} agents (${AGENTS / 2} hosts, ${AGENTS / 2} clients) seeded through ` +
    `createHost/createClient and issue*Certificate from CSRs in ${seconds(seedMs)} s; ${POOL} agent keys made with openssl ` +
    "before the timing. Each agent renews once per level, with its newest certificate and key.",
);

await measureSplit();
console.log(`\nInside the dashboard, in this process (load average at the end ${loadAverage()})\n`);
split.printTable();
console.log("\nThe Prisma calls of one in-process renewal (mean over the split agents, every renewal counted)\n");
console.log("| Prisma call | per renewal | ms per renewal |\n|---|---:|---:|");
console.log(callRows.join("\n"));
console.log("\nIts five slowest SQL statements (SQLite's time as Prisma's query events report it)\n");
console.log("| median ms | per renewal | statement |\n|---:|---:|---|");
console.log(slowestSql.join("\n"));

const logFile = path.join(mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-server-")), "server.log");
t = performance.now();
console.error(`starting the production server from ${APP_DIR} on port ${PORT} (log: ${logFile})`);
const server = await startServer({
  appDir: APP_DIR,
  port: PORT,
  logFile,
  env: {
    DOCKPKI_DATA_DIR: temp.dir,
    DOCKPKI_MASTER_KEY: process.env.DOCKPKI_MASTER_KEY ?? "",
  },
  nodeArgs: CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : undefined,
});
console.error(`server ready after ${seconds(performance.now() - t)} s`);

const renewOne = async (body: string) => {
  const res = await fetch(`${server.baseUrl}/api/v1/renew`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/plain" },
    body,
  });
  return { status: res.status, body: await res.text() };
};

/** Every agent renews once; the requests are signed just before the level starts (time is checked to ±300 s). */
async function renewalLevel(fleet: Agent[], concurrency: number): Promise<[Level, (string | null)[]]> {
  const bodies = fleet.map((agent) => JSON.stringify(renewRequest(agent)));
  const level = await runLevel(fleet.length, concurrency, (i) => renewOne(bodies[i]), server.pid);
  return [level, level.outcomes.map((answer, i) => acceptRenewal(fleet[i], answer))];
}

/** Issues through the admin API for holders in turn (a host, then a client): from a CSR or with server keygen. */
async function adminLevel(
  holders: Agent[],
  count: number,
  concurrency: number,
  withCsr: boolean,
): Promise<[Level, (string | null)[]]> {
  const send = async (i: number) => {
    const holder = holders[i % holders.length];
    const res = await fetch(
      `${server.baseUrl}/api/v1/${holder.kind === "host" ? "hosts" : "clients"}/${holder.holderId}/certificates`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiToken}` },
        body: JSON.stringify(withCsr ? { csrPem: pool[i % POOL].csrPem } : {}),
      },
    );
    return { status: res.status, body: await res.text() };
  };
  const level = await runLevel(count, concurrency, send, server.pid);
  const problems = level.outcomes.map((answer, i) => {
    if (answer.status !== 201) return `${answer.status}: ${answer.body.slice(0, 200)}`;
    const { certPem, keySize } = JSON.parse(answer.body) as { certPem?: string; keySize?: number };
    if (!certPem) return "no certPem in the answer";
    if (withCsr) return certificateProblem(certPem, i % POOL);
    if (keySize !== 2048) return `a ${keySize}-bit key, not 2048`;
    return new X509Certificate(certPem).verify(caPublicKey) ? null : "the certificate is not signed by the CA";
  });
  return [level, problems];
}

try {
  // Warm-up (not recorded): the first requests compile routes and fill caches.
  await renewalLevel(warmAgents, 4);
  await adminLevel(warmAgents, 8, 2, true);
  await adminLevel(warmAgents, 4, 2, false);

  // The floor: a request the route refuses before any database or crypto work (400, no fields).
  for (const concurrency of LEVELS) {
    const level = await runLevel(ADMIN, concurrency, () => renewOne("{}"), server.pid);
    const problems = level.outcomes.map((o) => (o.status === 400 ? null : `${o.status}: ${o.body.slice(0, 200)}`));
    tabulate("floor: POST /api/v1/renew refused (400, empty body)", concurrency, level, problems);
  }
  for (const concurrency of LEVELS) {
    const [level, problems] = await renewalLevel(agents, concurrency);
    tabulate("renew (agent, POST /api/v1/renew)", concurrency, level, problems);
  }
  // After the renewals: these supersede the agents' certificates.
  for (const concurrency of LEVELS) {
    const [level, problems] = await adminLevel(agents, ADMIN, concurrency, true);
    tabulate("admin API issue from a CSR", concurrency, level, problems);
  }
  for (const concurrency of LEVELS) {
    const [level, problems] = await adminLevel(agents, ADMIN, concurrency, false);
    tabulate("admin API issue, server makes the key", concurrency, level, problems);
  }
} catch (err) {
  console.log(`\nThe HTTP part stopped: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await server.stop();
}

const renewed = await db.auditEvent.count({ where: { action: "cert.renew" } });
console.log(
  `\nHTTP, production server over loopback, in-process client (fetch); closed loop: each of N workers sends ` +
    `its next request when the last one answered. Server CPU: the server's process group, from /proc. ` +
    `Load average at the end ${loadAverage()}\n`,
);
printTable();
if (CPU_PROF) {
  const dir = path.resolve(CPU_PROF);
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()
    .at(-1);
  if (newest) {
    const { busyMs, rows } = summarizeCpuProfile(path.join(dir, newest));
    const served = table.reduce((n, r) => n + r.requests, 0);
    console.log(
      `\nThe server's main thread, from its CPU profile (${newest}): ${(busyMs / 1000).toFixed(1)} s busy after start-up, ` +
        `${served} requests measured plus the warm-up\n`,
    );
    console.log("| where | ms | share |\n|---|---:|---:|");
    for (const r of rows) console.log(`| ${r.bucket} | ${r.ms.toFixed(0)} | ${((100 * r.ms) / busyMs).toFixed(1)}% |`);
  }
}
if (errorSamples.length > 0) {
  console.log(`\nErrors (first few):\n${errorSamples.map((e) => `- ${e}`).join("\n")}`);
  process.exitCode = 1;
}
console.error(
  `${renewed} renewals in the audit log (${AGENTS} x ${LEVELS.length} levels + ${SPLIT} + ${WARM} expected)`,
);
await db.$disconnect();
temp.cleanup();
