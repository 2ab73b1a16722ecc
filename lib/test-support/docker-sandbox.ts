// Shared by the lib/bundles tests only: runs a host's scripts for real, as root, in a private mount
// namespace whose /etc/docker, /etc/systemd/system, /var/tmp and /usr/local/sbin are empty tmpfs
// mounts. systemctl is a stub that plays dockerd with `openssl s_server` on 127.0.0.1.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const temps: string[] = [];
process.on("exit", () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system's temporary folder, removed when the test process ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export const canSandbox = process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0;

/** Environment variables for a child; NodeJS.ProcessEnv here insists on NODE_ENV. */
export type Env = Record<string, string | undefined>;

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without blocking the event loop, which a fake dashboard in this process needs.
 * stdin is /dev/null: Debian's bash reads ~/.bashrc when stdin is a socket, as node's pipes are. */
export function runAsync(command: string, args: string[], env: Env, cwd = "/"): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * A bin folder with a systemctl that logs its arguments (systemctl.log) and, on `restart docker`,
 * stops the previous "dockerd" and starts `openssl s_server` with the certificate files in sslDir
 * (asking for a client certificate, as a mutual-TLS dockerd does). A file fail-next in the folder
 * makes the next restart fail instead (then it is gone).
 */
export function dockerBin(port: number, sslDir = "/etc/docker/ssl"): string {
  const bin = tempDir("dockpki-bin-");
  writeFileSync(
    join(bin, "systemctl"),
    `#!/bin/sh
echo "$*" >>${bin}/systemctl.log
[ "$*" = "restart docker" ] || exit 0
if [ -f ${bin}/s_server.pid ]; then
  pid=$(cat ${bin}/s_server.pid)
  kill "$pid" 2>/dev/null
  # bounded: a process that is gone but not yet reaped still answers kill -0
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do kill -0 "$pid" 2>/dev/null && sleep 0.1 || break; done
  kill -9 "$pid" 2>/dev/null
  rm -f ${bin}/s_server.pid
fi
if [ -f ${bin}/fail-next ]; then
  rm -f ${bin}/fail-next
  exit 1
fi
openssl s_server -accept 127.0.0.1:${port} -cert ${sslDir}/cert.pem -key ${sslDir}/key.pem \\
  -CAfile ${sslDir}/ca.pem -Verify 1 -quiet </dev/null >/dev/null 2>&1 &
echo $! >${bin}/s_server.pid
sleep 0.3
`,
  );
  chmodSync(join(bin, "systemctl"), 0o755);
  return bin;
}

/** Shell lines: the serial of the certificate served on 127.0.0.1:port (lower case), into file. */
export function servedSerialInto(port: number, file: string): string {
  return `timeout 5 openssl s_client -connect 127.0.0.1:${port} </dev/null 2>/dev/null |
  openssl x509 -noout -serial 2>/dev/null | sed 's/^serial=//' | tr 'A-F' 'a-f' >${file}`;
}

/** Shell lines: stops the "dockerd" of a dockerBin folder. */
export function stopDocker(bin: string): string {
  return `[ ! -f ${bin}/s_server.pid ] || kill "$(cat ${bin}/s_server.pid)" 2>/dev/null || :`;
}

/** Runs script (sh, as root) behind the empty tmpfs mounts; what it leaves is gone afterwards, so
 * it copies what the test needs to see into a folder outside. */
export function inSandbox(script: string): Promise<RunResult> {
  const mounts = [
    "mount -t tmpfs -o mode=0755 tmpfs /etc/docker",
    "mount -t tmpfs -o mode=0755 tmpfs /etc/systemd/system",
    "mount -t tmpfs -o mode=1777 tmpfs /var/tmp",
    "mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin",
  ];
  const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", NODE_ENV: "test" };
  return runAsync("unshare", ["-m", "sh", "-c", `set -e\n${mounts.join("\n")}\n${script}`], env);
}
