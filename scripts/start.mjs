// `npm start`: builds the dashboard when there is no build or the sources are newer than it, then
// serves it with scripts/server.mjs. Migrations and the master key are handled by the server itself
// at start-up (instrumentation.ts), so a fresh checkout needs nothing else.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.env.NEXT_TELEMETRY_DISABLED = "1";

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsStale() {
  let built;
  try {
    built = statSync(path.join(root, ".next", "BUILD_ID")).mtimeMs;
  } catch {
    return true;
  }
  const sources = ["app", "lib", "public", "prisma"].map((d) => newestMtime(path.join(root, d)));
  const files = ["next.config.js", "proxy.ts", "instrumentation.ts", "package.json"].map(
    (f) => statSync(path.join(root, f)).mtimeMs,
  );
  return Math.max(...sources, ...files) > built;
}

const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (buildIsStale()) {
  console.log("dockpki: building the dashboard (first start or changed sources)…");
  const build = spawnSync(process.execPath, [next, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const server = spawn(process.execPath, [path.join(root, "scripts", "server.mjs"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
