export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { prepareServer } = await import("./lib/startup");
    await prepareServer();
    // Only the server runs bulk jobs; the CLI prepares the data directory but never resumes them.
    const { resumeJobs } = await import("./lib/jobs");
    const resumed = await resumeJobs();
    if (resumed > 0) console.info(`dockpki: resumed ${resumed} bulk job(s)`);
  }
}
