export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Throws a StartupError (already explained on stderr) when dockpki cannot run; scripts/server.mjs
    // then exits non-zero instead of serving errors.
    const { prepareServer } = await import("./lib/startup");
    await prepareServer();
    // The server records request and issuance durations for /metrics; the CLI does not.
    const { startMetrics } = await import("./lib/monitoring/metrics");
    await startMetrics();
    // Only the server runs bulk jobs and maintenance; the CLI prepares the data directory only.
    const { resumeJobs, startJobWatcher } = await import("./lib/certificates/jobs");
    const resumed = await resumeJobs();
    if (resumed > 0) console.info(`dockpki: resumed ${resumed} bulk job(s)`);
    startJobWatcher();
    const { startMaintenance } = await import("./lib/maintenance");
    startMaintenance();
    const { startScheduler } = await import("./lib/monitoring/scheduler");
    startScheduler();
  }
}
