// The production server (`node scripts/start.mjs`, which builds first when the build is stale) on
// a given data directory, for timing real HTTP requests.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";

export interface RunningServer {
  baseUrl: string;
  /** The process group (start.mjs and the server it spawned): see support/proc.ts for its CPU time. */
  pid: number;
  stop: () => Promise<void>;
}

export async function startServer(options: {
  appDir: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  /** Builds can take minutes on a busy 2-core machine. */
  timeoutMs?: number;
  /**
   * Node options for the server process itself (e.g. --cpu-prof, which NODE_OPTIONS refuses): then
   * scripts/server.mjs is started directly, without start.mjs's build check, so build first.
   */
  nodeArgs?: string[];
}): Promise<RunningServer> {
  const log = createWriteStream(options.logFile);
  // Its own process group, so stop() ends start.mjs and the next server it spawned, and nothing else.
  const args = options.nodeArgs
    ? [...options.nodeArgs, path.join(options.appDir, "scripts", "server.mjs")]
    : [path.join(options.appDir, "scripts", "start.mjs")];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.appDir,
    // Benchmark inventories name 10.x addresses and example.com hosts: a probe must never reach for them.
    env: {
      ...process.env,
      DOCKPKI_PROBE_LOOPBACK_ONLY: "1",
      ...options.env,
      PORT: String(options.port),
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${options.port}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited (code ${child.exitCode}); see ${options.logFile}.`);
    try {
      const res = await fetch(`${baseUrl}/login`, { redirect: "manual" });
      if (res.status < 500) return { baseUrl, pid: child.pid as number, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`The server did not answer within the time limit; see ${options.logFile}.`);
}

/** One request, body read to the end (what a browser or a poller waits for). */
export async function getPage(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers, redirect: "manual" });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
  return { bytes: Buffer.byteLength(body) };
}
