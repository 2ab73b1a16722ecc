// Runs one alert check in a process of its own, so a test can run two at once against one
// database, as two dashboard instances would. Prints what it did as one JSON line.
const { runAlerts } = await import("@/lib/monitoring/alert-deliver");
try {
  const run = await runAlerts();
  console.log(JSON.stringify({ ran: true, recorded: run.recorded.length, sent: run.deliveries.length }));
} catch (err) {
  console.log(JSON.stringify({ ran: false, error: (err as Error).message }));
}
process.exit(0);

export {};
