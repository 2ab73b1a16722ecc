// Runs the benchmarks one after the other, each in a process of its own: each opens a temporary
// data directory before lib/db.ts is imported, and two at once would share the 2 cores.
// Run: npm run bench [-- issue|cli|lists|bulk|crl|hardening|renewal|metrics|probe|instances ...] [-- --runs N]   (all of them by default)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadAverage } from "./support/measure";

const BENCHMARKS = ["issue", "cli", "lists", "bulk", "crl", "hardening", "renewal", "metrics", "probe", "instances"];
const here = path.dirname(fileURLToPath(import.meta.url));

// Names pick benchmarks; everything else (`--runs 5`, `--plan 200x3`) is passed to each of them.
const args = process.argv.slice(2);
const chosen = args.filter((a) => BENCHMARKS.includes(a));
const passed = args.filter((a) => !BENCHMARKS.includes(a));
const unknown = passed.filter((a, i) => !a.startsWith("-") && !passed[i - 1]?.startsWith("--"));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(", ")}: choose from ${BENCHMARKS.join(", ")}.`);
  process.exit(2);
}

let failed = 0;
for (const name of chosen.length > 0 ? chosen : BENCHMARKS) {
  console.log(`\n## ${name}\n`);
  console.error(`bench ${name}: starting, load average ${loadAverage()}`);
  const t0 = performance.now();
  const result = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(here, `${name}.ts`), ...passed],
    { cwd: path.dirname(here), stdio: "inherit" },
  );
  console.error(`bench ${name}: exit ${result.status} after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
