#!/usr/bin/env node
// The dockpki CLI: lib/cli/main.ts, built ahead of time into dist/cli by scripts/build-cli.mjs (and rebuilt here
// first when the build is missing or older than its sources), run in this process from the project root so it finds
// the migrations and the same ./data directory as the server. Paths given by the user stay relative to where the
// command was typed (DOCKPKI_CLI_CWD). NODE_OPTIONS=--enable-source-maps makes stack traces name lib/*.ts (it costs
// some 30 ms a command, so it is not the default).
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { buildCli, freshCli } from "../scripts/build-cli.mjs";

const root = path.resolve(import.meta.dirname, "..");
// Prisma's query compiler is WebAssembly. V8 compiles it with Liftoff, then again with TurboFan, in the background,
// for the functions it finds hot, and a process that exits first waits for those compiles to finish: about 300 ms
// of a one-second command, and half a second of CPU, for code a command is gone before it could use. Set before any
// WebAssembly is compiled; the dashboard, which runs for days, keeps the default.
const LIFTOFF_ONLY = "--liftoff-only";
v8.setFlagsFromString(LIFTOFF_ONLY);
const cwd = process.cwd();
process.env.DOCKPKI_CLI_CWD = cwd;
if (process.env.DOCKPKI_DATA_DIR) process.env.DOCKPKI_DATA_DIR = path.resolve(process.env.DOCKPKI_DATA_DIR);

let main = freshCli(root);
if (!main) {
  console.error("dockpki: building the CLI (first run or changed sources)…");
  try {
    main = await buildCli(root);
  } catch (err) {
    console.error(`dockpki: could not build the CLI (${err.message}); running it from source`);
  }
}
if (main) {
  process.chdir(root);
  await import(pathToFileURL(main).href);
} else {
  // A build that cannot be written (a read-only install) or made: run the sources with tsx, slower.
  const child = spawn(
    process.execPath,
    [
      LIFTOFF_ONLY,
      "--conditions=react-server",
      "--import",
      import.meta.resolve("tsx"),
      path.join(root, "lib/cli/main.ts"),
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: "inherit" },
  );
  child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}
