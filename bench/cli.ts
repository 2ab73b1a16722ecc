// One server bundle from the command line: `dockpki issue host NAME --out FILE.zip`, a process of its
// own each time as an admin types it, against the same job done with Docker's openssl recipe,
// `cfssl gencert | cfssljson` and easy-rsa's `build-server-full` (bench/support/cert-tools.ts), on a
// CA of the same type (ECDSA P-256, dockpki's default). Beside them: `dockpki token list`, a command
// that reads one table (what starting the CLI costs), and the same issuance run from the build
// without bin/dockpki.mjs's --liftoff-only (V8 then compiles Prisma's WebAssembly query compiler
// again with TurboFan, and the process waits for that at exit).
// Rounds are interleaved as in issue.ts: every case once per round in a random order, ratios taken
// within a round. Wall time per command, and the CPU the command's processes used (user + system).
// Run: node --conditions=react-server --import tsx bench/cli.ts [--runs N] [--seed N]
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createCa } from "@/lib/pki/ca";
import { keySpec } from "@/lib/pki/key-types";
import { repoRoot } from "@/lib/test-support/temp-data-dir";
import {
  availableTools,
  cfsslGencert,
  type LeafKey,
  opensslRecipe,
  prepareEasyRsa,
  prepareToolPki,
  SERVER_NAMES,
  toolVersions,
} from "./support/cert-tools";
import { describeMachine, loadAverage, percentile, seededShuffle } from "./support/measure";
import { waitedChildrenCpuMs } from "./support/proc";

const run = promisify(execFile);
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? 15);
const { seed: seedUsed, shuffled } = seededShuffle(arg("seed"));
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
const median = (xs: number[]) => percentile(xs, 0.5);

interface Case {
  name: string;
  key: LeafKey | null;
  tool: "dockpki" | "openssl" | "cfssl" | "easy-rsa";
  run: (round: number) => Promise<unknown>;
  ms: Map<number, number>;
  cpu: Map<number, number>;
}

const work = mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-cli-"));
try {
  const env = {
    ...process.env,
    DOCKPKI_DATA_DIR: path.join(work, "data"),
    DOCKPKI_MASTER_KEY: randomBytes(32).toString("base64"),
  };
  const bin = path.join(repoRoot, "bin", "dockpki.mjs");
  const dockpki = (...args: string[]) => run(process.execPath, [bin, ...args], { cwd: work, env });
  // The build bin/dockpki.mjs runs, started directly: the same code without its V8 flag.
  await dockpki("--help");
  const { build } = JSON.parse(readFileSync(path.join(repoRoot, "dist", "cli", "manifest.json"), "utf8"));
  const builtMain = path.join(repoRoot, "dist", "cli", build, "main.mjs");
  const builtEnv = { ...env, DOCKPKI_CLI_CWD: work };
  const unflagged = (...args: string[]) =>
    run(process.execPath, [builtMain, ...args], { cwd: repoRoot, env: builtEnv });

  await dockpki("ca", "create", "--cn", "Bench CLI CA", "--key-type", "ecdsa-p256");
  // There is no CLI for the inventory: the host is added through lib, which then lets go of the database.
  process.env.DOCKPKI_DATA_DIR = env.DOCKPKI_DATA_DIR;
  process.env.DOCKPKI_MASTER_KEY = env.DOCKPKI_MASTER_KEY;
  const { createHost } = await import("@/lib/inventory/hosts");
  const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
  const { db } = await import("@/lib/db");
  await createHost(
    { kind: "cli" },
    hostCreateSchema.parse({
      name: SERVER_NAMES.commonName,
      dnsNames: SERVER_NAMES.dnsNames,
      ipAddresses: SERVER_NAMES.ipAddresses,
    }),
  );
  await db.$disconnect();

  const toolDir = path.join(work, "tools");
  mkdirSync(toolDir);
  prepareToolPki(toolDir, await createCa({ commonName: "Bench CA", key: keySpec("ecdsa-p256") }));
  const available = await availableTools();
  const easyRsa = available.easyrsa ? await prepareEasyRsa(toolDir) : null;

  const cases: Case[] = [];
  const add = (c: Omit<Case, "ms" | "cpu">) => cases.push({ ...c, ms: new Map(), cpu: new Map() });
  const out = (round: number, tag: string) => path.join(work, `${tag}-${round + 1}.zip`);
  const leafArgs = (key: LeafKey) =>
    key === "rsa-2048" ? ["--key-type", "rsa", "--key-size", "2048"] : ["--key-type", "ecdsa-p256"];
  for (const key of ["ecdsa-p256", "rsa-2048"] as const) {
    add({
      name: `dockpki issue host --out FILE.zip, ${key}`,
      key,
      tool: "dockpki",
      run: (round) => dockpki("issue", "host", SERVER_NAMES.commonName, ...leafArgs(key), "--out", out(round, key)),
    });
    if (available.openssl)
      add({ name: `openssl recipe, ${key}`, key, tool: "openssl", run: () => opensslRecipe(toolDir, key) });
    if (available.cfssl)
      add({ name: `cfssl gencert + cfssljson, ${key}`, key, tool: "cfssl", run: () => cfsslGencert(toolDir, key) });
    if (easyRsa)
      add({
        name: `easyrsa build-server-full, ${key}`,
        key,
        tool: "easy-rsa",
        run: (round) => easyRsa(key, `docker1-${key}-${round + 1}`),
      });
  }
  add({
    name: "the same, ecdsa-p256, without --liftoff-only",
    key: "ecdsa-p256",
    tool: "dockpki",
    run: (round) =>
      unflagged("issue", "host", SERVER_NAMES.commonName, ...leafArgs("ecdsa-p256"), "--out", out(round, "unflagged")),
  });
  add({
    name: "dockpki token list (starting the CLI)",
    key: null,
    tool: "dockpki",
    run: () => dockpki("token", "list"),
  });

  // One round not recorded: the first runs fill the page cache.
  for (let round = -1; round < RUNS; round++) {
    for (const c of shuffled(cases)) {
      const cpu0 = waitedChildrenCpuMs();
      const t0 = performance.now();
      await c.run(round);
      const ms = performance.now() - t0;
      if (round < 0) continue;
      c.ms.set(round, ms);
      c.cpu.set(round, waitedChildrenCpuMs() - cpu0);
    }
    if (round >= 0) console.error(`round ${round + 1}/${RUNS} done (load ${loadAverage()})`);
  }

  const ratio = (c: Case, tool: Case["tool"]) => {
    const ref = cases.find((x) => x.tool === tool && x.key === c.key && x !== c && !x.name.startsWith("the same"));
    if (!ref || c.tool === tool) return Number.NaN;
    return median([...c.ms].map(([round, ms]) => ms / (ref.ms.get(round) ?? Number.NaN)).filter(Number.isFinite));
  };
  console.log(`\n### One server bundle from the command line (${RUNS} rounds, interleaved, seed ${seedUsed})\n`);
  console.log(`${describeMachine()}; ${await toolVersions()}; load at the end ${loadAverage()}\n`);
  console.log("| case | runs | p50 ms | p90 ms | CPU p50 ms | × openssl | × cfssl | × easy-rsa |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of cases) {
    const times = [...c.ms.values()];
    const cells = [
      c.name,
      times.length,
      fmt(median(times)),
      fmt(percentile(times, 0.9)),
      fmt(median([...c.cpu.values()])),
    ];
    cells.push(...(["openssl", "cfssl", "easy-rsa"] as const).map((t) => fmt(ratio(c, t), 2)));
    console.log(`| ${cells.join(" | ")} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
