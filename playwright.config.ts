import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { DOCKER_SKIPS_ENV } from "./lib/test-support/docker-skips";

// Every run starts on a fresh data directory, so the suite sees dockpki's first run. Workers
// inherit the variable, so they all agree on it.
process.env.DOCKPKI_E2E_DATA ??= mkdtempSync(path.join(tmpdir(), "dockpki-e2e-"));
// Where specs note real-Docker tests they had to skip; the global teardown sums them up in one line.
process.env[DOCKER_SKIPS_ENV] ??= `${process.env.DOCKPKI_E2E_DATA}.docker-skips`;
const PORT = Number(process.env.DOCKPKI_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  globalTeardown: "./lib/test-support/docker-skips-teardown.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // "api" is first-run's teardown only so that it runs after every dashboard spec (pass or fail)
    // without making a run of api.spec.ts alone run the whole dashboard suite first. It finds the
    // CA those specs leave, and creates one only when run on its own.
    { name: "first-run", testMatch: /first-run\.setup\.ts/, teardown: "api" },
    {
      name: "dashboard",
      testIgnore: [/first-run\.setup\.ts/, /api\.spec\.ts/],
      dependencies: ["first-run"],
      use: { storageState: "e2e/.auth/admin.json" },
    },
    { name: "api", testMatch: /api\.spec\.ts/, use: { storageState: "e2e/.auth/admin.json" } },
  ],
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DOCKPKI_DATA_DIR: process.env.DOCKPKI_E2E_DATA,
      NEXT_TELEMETRY_DISABLED: "1",
      // Inventory fixtures use 10.x and 2001:db8:: names: a probe must never reach for them.
      DOCKPKI_PROBE_LOOPBACK_ONLY: "1",
    },
  },
});
