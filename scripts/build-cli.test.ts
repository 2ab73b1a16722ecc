import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "@/lib/test-support/temp-data-dir";
import { buildCli, CLI_OUT, freshCli } from "@/scripts/build-cli.mjs";

// A copy of what the CLI is built from, so that editing its sources and builds leaves the project's own alone.
const project = mkdtempSync(path.join(tmpdir(), "dockpki-build-cli-"));
for (const item of ["bin", "lib", "scripts/build-cli.mjs", "package.json", "package-lock.json", "tsconfig.json"]) {
  cpSync(path.join(repoRoot, item), path.join(project, item), { recursive: true });
}
symlinkSync(path.join(repoRoot, "node_modules"), path.join(project, "node_modules"));
after(() => rmSync(project, { recursive: true, force: true }));

function dockpki(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(project, "bin/dockpki.mjs"), ...args], { cwd: tmpdir() });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const BUILDING = /building the CLI/;

test("the CLI is built on first use, reused while fresh, and rebuilt once a source it was built from changes", async () => {
  const first = await dockpki(["help"]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^dockpki <command>/);
  assert.match(first.stderr, BUILDING);
  const built = freshCli(project);
  assert.ok(built?.startsWith(path.join(project, CLI_OUT)), String(built));

  const again = await dockpki(["help"]);
  assert.equal(again.status, 0, again.stderr);
  assert.doesNotMatch(again.stderr, BUILDING);
  assert.equal(freshCli(project), built);

  const main = path.join(project, "lib/cli/main.ts");
  writeFileSync(main, readFileSync(main, "utf8").replace("dockpki <command>", "dockpki <command> (edited)"));
  assert.equal(freshCli(project), null);
  const edited = await dockpki(["help"]);
  assert.equal(edited.status, 0, edited.stderr);
  assert.match(edited.stderr, BUILDING);
  assert.match(edited.stdout, /^dockpki <command> \(edited\)/);
  assert.notEqual(freshCli(project), null);
});

test("what counts for staleness: the build's sources and the packages, not other files", async () => {
  assert.notEqual(freshCli(project), null);
  const later = new Date(Date.now() + 60_000);
  // A file the CLI does not import.
  utimesSync(path.join(project, "lib/cli/cli.test.ts"), later, later);
  assert.notEqual(freshCli(project), null);
  // A module main.ts imports only through another one: gone, then back as it was; then changed.
  const errors = path.join(project, "lib/errors.ts");
  renameSync(errors, `${errors}.away`);
  assert.equal(freshCli(project), null);
  renameSync(`${errors}.away`, errors);
  assert.notEqual(freshCli(project), null);
  utimesSync(errors, later, later);
  assert.equal(freshCli(project), null);
  // Installed packages changed.
  await buildCli(project);
  assert.notEqual(freshCli(project), null);
  utimesSync(path.join(project, "package-lock.json"), later, later);
  assert.equal(freshCli(project), null);
});

test("commands that start at once without a build each run a complete one", async () => {
  rmSync(path.join(project, CLI_OUT), { recursive: true, force: true });
  const runs = await Promise.all([1, 2, 3].map(() => dockpki(["help"])));
  for (const run of runs) {
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^dockpki <command>/);
  }
  assert.notEqual(freshCli(project), null);
});
