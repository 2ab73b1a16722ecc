// Runs every unit and interop test (`*.test.ts` under lib/ and scripts/) with Node's test runner, on SQLite, then
// once more on PostgreSQL every file that uses a database (prepareTempDataDir), in a throwaway cluster this script
// starts and stops (lib/test-support/postgres.ts). Without PostgreSQL's binaries that second pass is skipped, loudly;
// with DOCKPKI_REQUIRE_POSTGRES=1 (CI) it is a failure instead. Node 20's runner does not expand globs itself.
// `node scripts/test-unit.mjs [--sqlite-only|--postgres-only] [substring...]` runs part of it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

const args = process.argv.slice(2);
const only = args.find((a) => a === "--sqlite-only" || a === "--postgres-only");
const filter = args.filter((a) => !a.startsWith("--"));
const files = ["lib", "scripts"]
  .flatMap((d) => find(path.join(root, d)))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
// A file about SQLite itself (its query plans) says so with this marker and runs on SQLite only.
const usesDatabase = (file) => {
  const text = readFileSync(file, "utf8");
  return text.includes("prepareTempDataDir(") && !text.includes("// dockpki-test: sqlite-only");
};

// Tests that need real Docker and cannot have it here note why in this file (docker-skips.ts).
const skips = await tsImport("../lib/test-support/docker-skips.ts", import.meta.url);
const postgres = await tsImport("../lib/test-support/postgres.ts", import.meta.url);
const skipsDir = mkdtempSync(path.join(tmpdir(), "dockpki-skips-"));
const skipsFile = path.join(skipsDir, "docker.txt");

function run(label, list, env = {}) {
  if (list.length === 0) return 0;
  console.log(`\n# ${label}: ${list.length} file(s)`);
  const result = spawnSync(
    process.execPath,
    // --liftoff-only, passed on to each file's process: as in bin/dockpki.mjs, no TurboFan compiles of Prisma's query
    // compiler that a test file is gone before it could use (and that its exit would wait for); 12% less CPU.
    ["--liftoff-only", "--conditions=react-server", "--import", "tsx", "--test", "--test-concurrency=2", ...list],
    { cwd: root, stdio: "inherit", env: { ...process.env, [skips.DOCKER_SKIPS_ENV]: skipsFile, ...env } },
  );
  return result.status ?? 1;
}

let status = 0;
let postgresNote = null;
if (only !== "--postgres-only") status = run("SQLite", files);
const onPostgres = files.filter(usesDatabase);
if (only !== "--sqlite-only" && onPostgres.length > 0) {
  if (!postgres.findPostgresBin()) {
    postgresNote = `!!! ${postgres.POSTGRES_MISSING}`;
    if (process.env.DOCKPKI_REQUIRE_POSTGRES === "1") status ||= 1;
  } else {
    const cluster = await postgres.startPostgres();
    try {
      status = run("PostgreSQL", onPostgres, { [postgres.TEST_POSTGRES_ENV]: cluster.url }) || status;
    } finally {
      cluster.stop();
    }
  }
}
// The run's last lines, when they apply: which real-Docker tests did not run, and what to install.
const summary = skips.dockerSkipSummary(skipsFile);
rmSync(skipsDir, { recursive: true, force: true });
if (summary) console.log(`\n${summary}`);
if (postgresNote) console.log(`\n${postgresNote}\n`);
process.exit(status);
