import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@/lib/test-support/temp-data-dir";

/** The second opinion beside the project's own judge (docker-judge.ts): ../shared's
 * docker-tls-check/check-bundle.sh, written by others, present beside the clone on CI. */
export const CHECK_BUNDLE = path.resolve(repoRoot, "..", "shared", "docker-tls-check", "check-bundle.sh");

/**
 * Why the second opinion cannot run here, or false. On CI it always runs: a missing script or
 * missing root there is a failure, not a skip.
 */
export function checkBundleUnavailable(): string | false {
  const reason = !existsSync(CHECK_BUNDLE)
    ? `${CHECK_BUNDLE} is missing`
    : process.getuid?.() !== 0
      ? "check-bundle.sh starts dockerd and needs root"
      : false;
  if (reason && process.env.CI) throw new Error(`The Docker interop check must run on CI: ${reason}.`);
  return reason;
}

/** Runs check-bundle.sh on two folders; exit status 0 means Docker accepts them. */
export function checkBundle(
  serverDir: string,
  clientDir: string,
  ...options: string[]
): { status: number | null; output: string } {
  const r = spawnSync(CHECK_BUNDLE, [...options, serverDir, clientDir], { encoding: "utf8", timeout: 240_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
