// Runs one bulk job in its own process, so a test can kill it part-way through.
const { runJobInBackground } = await import("@/lib/certificates/jobs");
await runJobInBackground(process.argv[2] as string);
process.exit(0);

export {};
