#!/usr/bin/env node
// The dockpki CLI: runs lib/cli/main.ts with tsx, from the project root so it finds the migrations
// and the same ./data directory as the server. Paths given by the user stay relative to where the
// command was typed.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, DOCKPKI_CLI_CWD: process.cwd() };
if (env.DOCKPKI_DATA_DIR) env.DOCKPKI_DATA_DIR = path.resolve(env.DOCKPKI_DATA_DIR);

const child = spawn(
  process.execPath,
  [
    "--conditions=react-server",
    "--import",
    import.meta.resolve("tsx"),
    path.join(root, "lib/cli/main.ts"),
    ...process.argv.slice(2),
  ],
  { cwd: root, env, stdio: "inherit" },
);
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
