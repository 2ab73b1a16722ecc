// Runs every unit and interop test (`*.test.ts` under lib/ and scripts/) with Node's test runner.
// Node 20's runner does not expand globs itself.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { tsImport } from "tsx/esm/api";

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
// Tests that need real Docker and cannot have it here note why in this file (docker-skips.ts).
const skips = await tsImport("../lib/test-support/docker-skips.ts", import.meta.url);
const skipsDir = mkdtempSync(path.join(tmpdir(), "dockpki-skips-"));
const skipsFile = path.join(skipsDir, "docker.txt");
const result = spawnSync(
  process.execPath,
  ["--conditions=react-server", "--import", "tsx", "--test", "--test-concurrency=2", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, [skips.DOCKER_SKIPS_ENV]: skipsFile } },
);
// The run's last line, when it applies: which real-Docker tests did not run, and what to install.
const summary = skips.dockerSkipSummary(skipsFile);
rmSync(skipsDir, { recursive: true, force: true });
if (summary) console.log(`\n${summary}`);
process.exit(result.status ?? 1);
