import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

// A throwaway PostgreSQL cluster for tests, benches and `npm run migrate:create`: initdb into a temp dir, pg_ctl on a
// free loopback port, as an unprivileged user (initdb refuses root), never the system service. It listens on
// 127.0.0.1 only, its socket directory is inside the temp dir, and it trusts loopback connections: nothing else
// can reach it, and it is gone when stopped.

/** Set by the test runners for the processes they start: the cluster every test database is created in. */
export const TEST_POSTGRES_ENV = "DOCKPKI_TEST_POSTGRES_URL";

/** Where initdb and pg_ctl are, or null: PATH first, then Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  const debian = "/usr/lib/postgresql";
  if (!existsSync(debian)) return null;
  const versions = readdirSync(debian)
    .filter((v) => existsSync(path.join(debian, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(debian, versions[0], "bin") : null;
}

/** The sentence a run prints when it cannot test PostgreSQL. */
export const POSTGRES_MISSING =
  "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql): the PostgreSQL half of " +
  "the tests did NOT run. Install it with: apt-get install -y postgresql";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const NOBODY = { uid: 65534, gid: 65534 };

export interface PostgresCluster {
  /** postgresql://postgres@127.0.0.1:PORT/postgres: the superuser on the maintenance database. */
  url: string;
  port: number;
  dir: string;
  /** A URL to a new, empty database in this cluster. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): void;
}

/**
 * Starts a cluster; throws with POSTGRES_MISSING when the binaries are not there. Tests want speed, so it does not
 * flush to disk; `durable` keeps PostgreSQL's defaults (fsync, synchronous commit), for benchmarks that compare
 * commit costs with SQLite's, which syncs every commit.
 */
export async function startPostgres(
  opts: { maxConnections?: number; durable?: boolean } = {},
): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) =>
    execFileSync(path.join(bin, tool), args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(asRoot ? NOBODY : {}),
      env: { ...process.env, LC_ALL: "C", HOME: dir },
    });
  if (asRoot) chownSync(dir, NOBODY.uid, NOBODY.gid);
  const data = path.join(dir, "data");
  const socketDir = path.join(dir, "socket");
  mkdirSync(socketDir);
  if (asRoot) chownSync(socketDir, NOBODY.uid, NOBODY.gid);
  const port = await freePort();
  try {
    run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const options = [
      "-c listen_addresses=127.0.0.1",
      `-p ${port}`,
      `-k ${socketDir}`,
      ...(opts.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
      `-c max_connections=${opts.maxConnections ?? 200}`,
    ].join(" ");
    run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (error) {
    const log = path.join(dir, "server.log");
    const detail = existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : String((error as Error).message);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`The test PostgreSQL cluster did not start: ${detail}`, { cause: error });
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    dir,
    createDatabase: (prefix = "dockpki") => createDatabase(url, prefix),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates an empty database in the cluster at `clusterUrl` and returns its URL. */
export async function createDatabase(clusterUrl: string, prefix = "dockpki"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
