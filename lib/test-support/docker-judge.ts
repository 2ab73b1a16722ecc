import { spawnSync } from "node:child_process";
import path from "node:path";
import { checkBundle, checkBundleUnavailable } from "@/lib/test-support/check-bundle";
import { noteDockerSkip } from "@/lib/test-support/docker-skips";
import { repoRoot } from "@/lib/test-support/temp-data-dir";

/** dockpki's own judge: a real dockerd started from the server bundle in a namespace of its own,
 * and the real docker CLI with the client bundle. */
export const DOCKER_JUDGE = path.join(repoRoot, "scripts", "docker-judge.sh");

export interface JudgeRun {
  status: number | null;
  output: string;
}

let unavailable: string | false | undefined;

/**
 * Why this machine cannot run the judge, naming what to install ("dockerd is missing (apt-get
 * install docker.io)"), or false. The script knows what it needs. On CI the judge must run: a
 * missing piece there is a failure, not a skip.
 */
export function dockerJudgeUnavailable(): string | false {
  if (unavailable === undefined) {
    const r = spawnSync("bash", [DOCKER_JUDGE, "--check-env"], { encoding: "utf8" });
    unavailable = r.status === 0 ? false : `${r.stdout}${r.stderr}`.trim() || `docker-judge.sh --check-env failed`;
  }
  if (unavailable && process.env.CI) throw new Error(`The Docker judge must run on CI: ${unavailable}.`);
  return unavailable;
}

/** For a test about to judge bundles: why it has to skip (noted for the run's last line), or false. */
export function skipWithoutDocker(): string | false {
  const reason = dockerJudgeUnavailable();
  if (reason) noteDockerSkip(reason);
  return reason;
}

/** Runs the judge on two unzipped bundles; status 0 means Docker accepts them and refuses what it must. */
export function dockerJudge(serverDir: string, clientDir: string, ...options: string[]): JudgeRun {
  const r = spawnSync("bash", [DOCKER_JUDGE, ...options, serverDir, clientDir], { encoding: "utf8", timeout: 240_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? `\n${r.error.message}` : ""}` };
}

/** The project's judge, and ../shared's check-bundle.sh as a second opinion when it is there. Both
 * take --connect-host, --timeout and --keep. */
export function judgeBundles(
  serverDir: string,
  clientDir: string,
  ...options: string[]
): { own: JudgeRun; second?: JudgeRun } {
  const own = dockerJudge(serverDir, clientDir, ...options);
  return checkBundleUnavailable() ? { own } : { own, second: checkBundle(serverDir, clientDir, ...options) };
}
