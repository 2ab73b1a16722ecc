import { appendFileSync, existsSync, readFileSync } from "node:fs";

// A test that needs real Docker and cannot have it here notes why in a file, so that the run ends
// with one line saying what was skipped and what to install, instead of a skip lost mid-output.

/** Names the file; scripts/test-unit.mjs and playwright.config.ts set it for their runs. */
export const DOCKER_SKIPS_ENV = "DOCKPKI_DOCKER_SKIPS";

export function noteDockerSkip(reason: string): void {
  const file = process.env[DOCKER_SKIPS_ENV];
  if (file) appendFileSync(file, `${reason.replace(/\s+/g, " ")}\n`);
}

/** "skipped 9 real-Docker tests: dockerd is missing (apt-get install docker.io)", or undefined when none were. */
export function dockerSkipSummary(file: string | undefined = process.env[DOCKER_SKIPS_ENV]): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  const reasons = readFileSync(file, "utf8").split("\n").filter(Boolean);
  if (reasons.length === 0) return undefined;
  return `skipped ${reasons.length} real-Docker test${reasons.length === 1 ? "" : "s"}: ${[...new Set(reasons)].join("; ")}`;
}
