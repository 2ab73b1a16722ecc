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

// Specs that start a dashboard of their own (lib/test-support/own-dashboard.ts) and never touch the
// suite's shared one: they run in a project of their own, beside the shared dashboard's specs. A spec
// that uses the shared dashboard at all (even one request) belongs in "dashboard" instead.
const OWN_DASHBOARD_SPECS = [
  "accessibility",
  "audit",
  "fleet",
  "instances",
  "monitoring",
  "offline-root",
  "renewal",
  "roles",
];
const ownDashboardSpec = new RegExp(`/(${OWN_DASHBOARD_SPECS.join("|")})\\.spec\\.ts$`);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  // Two specs at once: the shared dashboard's, one at a time in their order, and beside them one with
  // a dashboard of its own (two of those once the shared dashboard's are done). See the projects below.
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  globalTeardown: "./lib/test-support/docker-skips-teardown.ts",
  use: {
    baseURL,
    // A trace records every action of every test to keep the failing ones: a fifth of the suite's CPU. CI keeps
    // only what the run prints, so there it is never read; run locally, a failure leaves its trace.
    trace: process.env.CI ? "off" : "retain-on-failure",
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
      // One shared dashboard and data directory: its specs build on each other's state (issuing.spec.ts
      // expects "No CA yet"), so they run one at a time, one file after another in name order. With a
      // project limit of 1 the dispatcher starts each of this project's files only when the one before
      // it is done, and always the next in order. Listed before "own-dashboard": a free worker takes the
      // first queued spec it may run, so the shared dashboard's next spec never waits for a worker.
      name: "dashboard",
      testIgnore: [/first-run\.setup\.ts/, /api\.spec\.ts/, ownDashboardSpec],
      dependencies: ["first-run"],
      workers: 1,
      use: { storageState: "e2e/.auth/admin.json" },
    },
    {
      // Each spec here starts its own dashboard(s) on free ports and fresh data directories, so it runs
      // beside the shared dashboard's specs, and beside another of its kind when a worker is free. It
      // depends on first-run only to run in the same phase as "dashboard": Playwright runs projects in
      // phases (a project starts once those it depends on are done), and a project without dependencies
      // would share first-run's phase and hold "dashboard" back until all of it had run. baseURL is a
      // closed loopback port, so a relative URL, which would reach the shared dashboard, fails at once
      // (each spec names its own dash.base).
      name: "own-dashboard",
      testMatch: ownDashboardSpec,
      dependencies: ["first-run"],
      use: { baseURL: "http://127.0.0.1:1", storageState: { cookies: [], origins: [] } },
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
