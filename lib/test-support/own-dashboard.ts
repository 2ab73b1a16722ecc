// For e2e specs that need a dashboard of their own (a fresh data directory, a restart, a CA
// rotation), beside the suite's shared one: the suite's build, on a free loopback port.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type APIRequestContext, request as playwrightRequest } from "@playwright/test";
import { freePort } from "@/lib/test-support/docker-sandbox";
import { repoRoot } from "@/lib/test-support/temp-data-dir";

const NO_SESSION = { cookies: [], origins: [] };

export interface OwnDashboard {
  base: string;
  dataDir: string;
  /** Bearer-token API (an admin token made with the CLI), and one with no credentials. */
  api: APIRequestContext;
  anon: APIRequestContext;
  token: string;
  /** What the server wrote to stderr since it was started (the last 64 KB), for a failing test to show. */
  stderr(): string;
  /** The dockpki CLI on this dashboard's data directory. */
  cli(args: string[], input?: string): string;
  /** Stops the server (if it still runs) and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Ends the server with SIGKILL, as a crash or an OOM kill would: nothing of it gets to clean up. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const exited = (server: ChildProcess) => server.exitCode !== null || server.signalCode !== null;

async function waitForHealth(base: string, server: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    if (exited(server)) {
      throw new Error(`the dashboard exited with ${server.exitCode ?? server.signalCode}:\n${stderr().slice(-2000)}`);
    }
    // Not left waiting on a listener that never answers (fetch's own limit is 5 minutes).
    const up = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(10_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (i > 300) throw new Error("the dashboard did not start within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts a dashboard on a data directory of its own, with an admin and an API token. A second instance on the
 * same database (DATABASE_URL in extraEnv) passes the first one's `token` instead: its admin is already there.
 * The token may still be on its way, so that both servers start at once.
 */
export async function startOwnDashboard(
  name: string,
  extraEnv: Record<string, string> = {},
  opts: { token?: string | Promise<string> } = {},
): Promise<OwnDashboard> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `dockpki-${name}-e2e-`));
  const envFor = (port: number) => ({
    ...process.env,
    PORT: String(port),
    DOCKPKI_DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
    // As the suite's shared dashboard: inventory fixtures name 10.x, 2001:db8:: and *.test hosts, and a
    // probe (a scheduled one included) must never reach for them, nor look their names up.
    DOCKPKI_PROBE_LOOPBACK_ONLY: "1",
    ...extraEnv,
  });
  let env = envFor(0);
  let stderr = "";
  const start = () => {
    const child = spawn(process.execPath, ["scripts/server.mjs"], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-64 * 1024);
    });
    return child;
  };
  const cli = (args: string[], input?: string) =>
    execFileSync(process.execPath, ["bin/dockpki.mjs", ...args], {
      cwd: repoRoot,
      env,
      input,
      encoding: "utf8",
      stdio: "pipe",
    });
  let base = "";
  // freePort() answers a port that was free when it closed it. The server listens on it seconds later,
  // once Next is ready; meanwhile another process (a dashboard of another spec or run, an outgoing
  // connection's local port) may have taken it. Then the server exits with EADDRINUSE before it is
  // healthy, and starts again on another free port.
  const startOnFreePort = async (): Promise<ChildProcess> => {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      env = envFor(port);
      base = `http://127.0.0.1:${port}`;
      stderr = "";
      const child = start();
      try {
        await waitForHealth(base, child, () => stderr);
        return child;
      } catch (err) {
        const retry = attempt < 3 && exited(child) && stderr.includes("EADDRINUSE");
        child.kill("SIGKILL");
        if (!retry) throw err;
      }
    }
  };
  let started: ChildProcess | undefined;
  let token: string;
  try {
    started = await startOnFreePort();
    token = (await opts.token) ?? createAdminToken(name, cli);
  } catch (err) {
    // Nobody gets a handle to stop it with: it goes now.
    started?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let server: ChildProcess = started;
  // A connection per request: an idle kept-alive one can be closed by the server (after its 5 s keep-alive
  // timeout, or by a restart) just as a request is written to it, which then fails with ECONNRESET.
  const api = await playwrightRequest.newContext({
    baseURL: base,
    storageState: NO_SESSION,
    extraHTTPHeaders: { Authorization: `Bearer ${token}`, Connection: "close" },
  });
  const anon = await playwrightRequest.newContext({
    baseURL: base,
    storageState: NO_SESSION,
    extraHTTPHeaders: { Connection: "close" },
  });
  const stopServer = (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (exited(server)) return resolve();
      server.once("exit", () => resolve());
      server.kill(signal);
    });
  return {
    base,
    dataDir,
    api,
    anon,
    token,
    stderr: () => stderr,
    cli,
    async restart() {
      await stopServer();
      server = start();
      await waitForHealth(base, server, () => stderr);
    },
    kill: () => stopServer("SIGKILL"),
    async stop() {
      await stopServer();
      await api.dispose();
      await anon.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function createAdminToken(name: string, cli: OwnDashboard["cli"]): string {
  cli(["admin", "create", "--username", `${name}-admin`, "--password-stdin"], "a long enough password here\n");
  const token = cli(["token", "create", "--name", `${name}-e2e`]).match(/dpk_[A-Za-z0-9_-]{43}/)?.[0];
  if (!token) throw new Error("the CLI printed no token");
  return token;
}
