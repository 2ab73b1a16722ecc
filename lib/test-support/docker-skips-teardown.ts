import { rmSync } from "node:fs";
import { DOCKER_SKIPS_ENV, dockerSkipSummary } from "@/lib/test-support/docker-skips";

/** Playwright's global teardown: the line about real-Docker tests this machine skipped, if any. */
export default function reportDockerSkips(): void {
  const summary = dockerSkipSummary();
  if (summary) console.log(`\n${summary}`);
  const file = process.env[DOCKER_SKIPS_ENV];
  if (file) rmSync(file, { force: true });
}
