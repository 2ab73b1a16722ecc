// Runs every unit and interop test (`*.test.ts` under lib/ and scripts/) with Node's test runner.
// Node 20's runner does not expand globs itself.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name === "generated" || e.name.startsWith(".")) return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? find(full) : e.name.endsWith(".test.ts") ? [full] : [];
  });
}

const filter = process.argv.slice(2);
const files = ["lib", "scripts"]
  .flatMap((d) => find(path.join(root, d)))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
const result = spawnSync(
  process.execPath,
  ["--conditions=react-server", "--import", "tsx", "--test", "--test-concurrency=2", ...files],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
