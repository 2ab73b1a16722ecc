// Bulk re-issue through the app's own path: N hosts, N server certificates issued 2 at a time with
// a short validity ("initial issue"), then a re-issue job for everything expiring, awaited. Leaves
// of --leaf (rsa-3072, the default, rsa-2048, or ecdsa-p256) under an RSA-4096 CA (--ca ecdsa-p256 etc.
// for another), the key pool off.
// Each phase is set against what N single keygens of the leaf's type take one after the other,
// measured in the same run: N x their mean (an RSA keygen's time is skewed, its mean well above its
// median, so N x the median understates N keygens; that ratio is printed too). A ratio below 1
// means both cores did the work; 0.5 would be two cores with nothing lost. Beside it, the same
// keygens two at a time with nothing else: what two cores do with keygens alone, against which
// the job's own cost shows.
// Run: node --conditions=react-server --import tsx bench/bulk.ts [--plan 1000x1,200x3] [--leaf rsa-2048] [--ca ecdsa-p256] [--keygens K]
import { monitorEventLoopDelay } from "node:perf_hooks";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { describeMachine, loadAverage, summarize } from "./support/measure";

const planArg = process.argv.indexOf("--plan");
// One run at full size, repeats at 200: a 1,000-certificate phase takes ~10 minutes here.
const PLAN = (planArg > 0 ? process.argv[planArg + 1] : "1000x1,200x3").split(",").map((p) => {
  const [count, runs] = p.split("x").map(Number);
  return { count, runs: runs || 1 };
});
const leafArg = process.argv.indexOf("--leaf");
const LEAF = leafArg > 0 ? process.argv[leafArg + 1] : "rsa-3072";
if (!/^(rsa-(2048|3072|4096)|ecdsa-p256|ecdsa-p384)$/.test(LEAF))
  throw new Error(`--leaf ${LEAF}: rsa-BITS or ecdsa-p256/p384`);
const caArg = process.argv.indexOf("--ca");
const CA_KEY = caArg > 0 ? process.argv[caArg + 1] : "rsa-4096";
if (!/^(rsa-(2048|3072|4096)|ecdsa-p256|ecdsa-p384)$/.test(CA_KEY))
  throw new Error(`--ca ${CA_KEY}: rsa-BITS or ecdsa-p256/p384`);
const CONCURRENCY = 2;
const keygensArg = process.argv.indexOf("--keygens");
// Enough single keygens for their mean to settle (RSA-2048: ~40 s), fewer for the slower sizes.
const KEYGEN_RUNS =
  keygensArg > 0
    ? Number(process.argv[keygensArg + 1])
    : (({ "rsa-2048": 500, "rsa-3072": 100, "rsa-4096": 30 } as Record<string, number>)[LEAF] ?? 50);

console.error(`load average at the start: ${loadAverage()}`);
const temp = await prepareTempDataDir();
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { createReissueJob, getJob, runJobInBackground } = await import("@/lib/certificates/jobs");
const { generateKeyPair } = await import("@/lib/pki/keys");
const { keyLabel, keySpec, splitKeyChoice } = await import("@/lib/pki/key-types");
const { getSettings, saveSettings } = await import("@/lib/settings");

const cli = { kind: "cli" } as const;
// By default an RSA-4096 CA and RSA leaves at the default size without the key pool (the set-up
// before ECDSA P-256 became the default), so the figures stay comparable with the earlier runs.
const caChoice = splitKeyChoice(CA_KEY);
await createCertificateAuthority(
  cli,
  caCreateSchema.parse({ commonName: "Bench CA", keyType: caChoice.keyType, keySize: caChoice.keySize ?? undefined }),
);
const choice = splitKeyChoice(LEAF);
const leaf = keySpec(choice.keyType ?? "rsa", choice.keySize ?? undefined);
await saveSettings(cli, {
  ...(await getSettings()),
  leafKeyType: leaf.keyType,
  ...(leaf.keyType === "rsa" ? { leafKeySize: leaf.keySize as 2048 | 3072 | 4096 } : {}),
  keyPoolSize: 0,
});
// One after the other, after two unrecorded warm-ups; and as many again two at a time (the most two
// cores do with keygens alone: two keygens at once each run slower than one alone), in alternating
// blocks so that drift falls on both alike.
await generateKeyPair(leaf);
await generateKeyPair(leaf);
const keygenTimes: number[] = [];
let pairedMs = 0;
const BLOCK = 25;
for (let done = 0; done < KEYGEN_RUNS; done += BLOCK) {
  const n = Math.min(BLOCK, KEYGEN_RUNS - done);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await generateKeyPair(leaf);
    keygenTimes.push(performance.now() - t0);
  }
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await generateKeyPair(leaf);
    }),
  );
  pairedMs += performance.now() - t0;
}
const keygen = {
  ...summarize(keygenTimes),
  mean: keygenTimes.reduce((a, b) => a + b, 0) / keygenTimes.length,
  /** Wall time per key, keygens two at a time. */
  paired: pairedMs / KEYGEN_RUNS,
  load: Number(loadAverage().split(" ")[0]),
};

interface Phase {
  count: number;
  run: number;
  phase: string;
  wallMs: number;
  cpuMs: number;
  loopP99Ms: number;
  load: number;
  note: string;
}
const phases: Phase[] = [];

/** Wall time, process CPU time (event loop and thread pool) and event-loop delay of one phase. */
async function timePhase(count: number, run: number, phase: string, fn: () => Promise<string>): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const note = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const row = {
    count,
    run,
    phase,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopP99Ms: loop.percentile(99) / 1e6,
    load: Number(loadAverage().split(" ")[0]),
    note,
  };
  phases.push(row);
  console.error(
    `${phase} x${count} (run ${run}): ${(wallMs / 1000).toFixed(1)} s, ${(wallMs / count).toFixed(0)} ms per certificate, ` +
      `CPU ${(row.cpuMs / 1000).toFixed(1)} s, loop p99 ${row.loopP99Ms.toFixed(0)} ms, load ${loadAverage()}; ${note}`,
  );
}

let prefix = 0;
for (const { count, runs } of PLAN) {
  for (let run = 1; run <= runs; run++) {
    prefix++;
    const hostIds: string[] = [];
    for (let i = 1; i <= count; i++) {
      const host = await createHost(
        cli,
        hostCreateSchema.parse({
          name: `r${prefix}-docker-${i}`,
          dnsNames: [`r${prefix}-docker-${i}.example.com`],
          ipAddresses: [`10.${prefix}.${i >> 8}.${i & 255}`],
        }),
      );
      hostIds.push(host.id);
    }
    await timePhase(count, run, "initial issue (2 at a time, days=10)", async () => {
      const queue = [...hostIds];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let id = queue.shift(); id; id = queue.shift()) await issueHostCertificate(cli, id, { days: 10 });
        }),
      );
      return `${count} issued`;
    });
    await timePhase(count, run, "bulk re-issue job (scope expiring 30 d)", async () => {
      const job = await createReissueJob(cli, { scope: "expiring", days: 30 }, false);
      await runJobInBackground(job.id);
      const done = await getJob(job.id);
      return `job ${done.status}: ${done.done}/${done.total} done, ${done.failed} failed`;
    });
  }
}
temp.cleanup();

const fmt = (ms: number) => (ms / 1000).toFixed(1);
console.log(`\n${describeMachine()}`);
console.log(
  `CA ${keyLabel(keySpec(caChoice.keyType ?? "rsa", caChoice.keySize ?? undefined))}, leaves ${keyLabel(leaf)} (keyPoolSize 0); single keygens one after the other: ` +
    `mean ${keygen.mean.toFixed(0)} ms, median ${keygen.median.toFixed(0)} ms, p90 ${keygen.p90.toFixed(0)} ms ` +
    `(${KEYGEN_RUNS} runs, load ${keygen.load.toFixed(2)}); the same number two at a time: ` +
    `${keygen.paired.toFixed(0)} ms per key, ${(keygen.paired / keygen.mean).toFixed(2)} x the mean ` +
    `(keygens alone on both cores); load average at the end ${loadAverage()}\n`,
);
console.log(
  "| phase | certs | run | wall s | ms per cert | wall / (N x mean keygen) | wall / (N x median keygen) | wall / (N keygens two at a time) | CPU s | CPU / wall | loop p99 ms | load | result |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const p of phases) {
  const cells = [
    p.phase,
    p.count,
    p.run,
    fmt(p.wallMs),
    (p.wallMs / p.count).toFixed(0),
    (p.wallMs / (p.count * keygen.mean)).toFixed(2),
    (p.wallMs / (p.count * keygen.median)).toFixed(2),
    (p.wallMs / (p.count * keygen.paired)).toFixed(2),
    fmt(p.cpuMs),
    (p.cpuMs / p.wallMs).toFixed(2),
    p.loopP99Ms.toFixed(0),
    p.load.toFixed(2),
    p.note,
  ];
  console.log(`| ${cells.join(" | ")} |`);
}

// Repeated sizes: median and p90 over the runs, and what that makes for 1,000 certificates.
console.log("\n| phase | certs | runs | median s | p90 s | median ms per cert | extrapolated to 1,000 |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const { count, runs } of PLAN.filter((p) => p.runs >= 3)) {
  for (const phase of [...new Set(phases.map((p) => p.phase))]) {
    const walls = phases.filter((p) => p.count === count && p.phase === phase).map((p) => p.wallMs);
    const { median, p90 } = summarize(walls);
    console.log(
      `| ${phase} | ${count} | ${runs} | ${fmt(median)} | ${fmt(p90)} | ${(median / count).toFixed(0)} | ${fmt((median / count) * 1000)} s |`,
    );
  }
}
