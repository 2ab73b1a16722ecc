// A production dashboard of the benchmark's own, driven only through its JSON API: a fresh data
// directory with a random master key, an API token made with the CLI (as an admin would, and as
// lib/test-support/own-dashboard.ts does), and the server started by support/server.ts.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { type RunningServer, startServer } from "./server";

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export interface BenchDashboard extends RunningServer {
  label: string;
  dataDir: string;
  logFile: string;
  token: string;
  /** One JSON API call with the bearer token, answer read to the end. */
  api<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<ApiAnswer<T>>;
  /**
   * Keys in the dashboard's key pool of this type and size, read from its database (read-only):
   * the API does not show them yet.
   */
  pooledKeys(keyType: string, keySize: number): number;
}

export async function startBenchDashboard(options: {
  label: string;
  appDir: string;
  port: number;
  /** Node options for the server (e.g. --cpu-prof); see support/server.ts. */
  nodeArgs?: string[];
}): Promise<BenchDashboard> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `dockpki-bench-${options.label}-`));
  const env = {
    DOCKPKI_DATA_DIR: dataDir,
    DOCKPKI_MASTER_KEY: randomBytes(32).toString("base64"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // Beside the data directory, not in it: a server that fails to start leaves its log behind.
  const logFile = `${dataDir}.log`;
  let token: string | undefined;
  let server: RunningServer;
  try {
    token = createTokenWithCli(options.appDir, env);
    server = await startServer({
      appDir: options.appDir,
      port: options.port,
      env,
      logFile,
      nodeArgs: options.nodeArgs,
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let sqlite: Database.Database | null = null;
  const api = async <T>(method: string, route: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const res = await fetch(`${server.baseUrl}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: res.status, body: parsed as T };
  };
  return {
    ...server,
    label: options.label,
    dataDir,
    logFile,
    token,
    api,
    pooledKeys(keyType, keySize) {
      sqlite ??= new Database(path.join(dataDir, "dockpki.db"), { readonly: true, fileMustExist: true, timeout: 5000 });
      const row = sqlite
        .prepare('SELECT COUNT(*) AS n FROM "PooledKey" WHERE "keyType" = ? AND "keySize" = ?')
        .get(keyType, keySize) as { n: number };
      return row.n;
    },
    async stop() {
      sqlite?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(logFile, { force: true });
    },
  };
}

/**
 * An admin API token made as an admin would: `dockpki token create` with the server's environment. The CLI
 * migrates a fresh database (and says so), then prints the token on a line of its own.
 */
export function createTokenWithCli(appDir: string, env: Record<string, string>): string {
  const printed = execFileSync(
    process.execPath,
    [path.join(appDir, "bin", "dockpki.mjs"), "token", "create", "--name", "bench"],
    { cwd: appDir, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const token = printed.match(/dpk_[A-Za-z0-9_-]{43}/)?.[0];
  if (!token) throw new Error(`dockpki token create printed no token: ${printed.slice(0, 300)}`);
  return token;
}

/** Throws with the API's own message unless the answer has the expected status. */
export function expectStatus<T>(answer: ApiAnswer<T>, status: number, what: string): T {
  if (answer.status !== status) {
    const body = answer.body as { error?: { message?: string; fieldErrors?: unknown } } | string;
    const detail = typeof body === "string" ? body.slice(0, 300) : JSON.stringify(body?.error ?? body).slice(0, 300);
    throw new Error(`${what}: HTTP ${answer.status} (expected ${status}): ${detail}`);
  }
  return answer.body;
}
