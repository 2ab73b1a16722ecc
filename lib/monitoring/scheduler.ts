import "server-only";
import { ConflictError } from "@/lib/errors";
import { takeLease } from "@/lib/leases";
import { retryDue, runAlerts } from "@/lib/monitoring/alert-deliver";
import { probeAllHosts } from "@/lib/monitoring/host-probe";
import { getSettings } from "@/lib/settings";

const TICK_MS = 60_000;
const CHECK_EVERY_MS = 60 * 60_000;
/** The scheduler's lease: the instance holding it runs the ticks; it renews it every minute, and
 * another takes over within this long after it stops. */
const LEADER = "monitoring:scheduler";
const LEADER_MS = 3 * TICK_MS;

const state = globalThis as unknown as {
  dockpkiScheduler?: { timer: NodeJS.Timeout; running: boolean; lastCheck: number | null; lastProbe: number | null };
};

/**
 * One minute of the scheduler: on the instance that holds the lease, the alert check at its first
 * tick and every hour (retries of failed sends in between), and the scheduled probe of every host
 * when the setting asks for one. Exported for tests, which move its clock.
 */
export async function schedulerTick(now = new Date()): Promise<void> {
  const s = state.dockpkiScheduler ?? {
    timer: undefined as unknown as NodeJS.Timeout,
    running: false,
    lastCheck: null,
    lastProbe: null,
  };
  state.dockpkiScheduler = s;
  if (s.running) return;
  s.running = true;
  try {
    if (!(await takeLease(LEADER, LEADER_MS, now))) {
      // Whoever leads runs the check when it takes over; so does this one if it leads again later.
      s.lastCheck = null;
      return;
    }
    const t = now.getTime();
    const { probeIntervalMinutes } = await getSettings();
    if (probeIntervalMinutes && (s.lastProbe === null || t - s.lastProbe >= probeIntervalMinutes * 60_000)) {
      s.lastProbe = t;
      const { probed, errors } = await probeAllHosts(now);
      if (errors > 0)
        console.warn(`dockpki: scheduled probe: ${errors} of ${probed + errors} host(s) could not be probed`);
      // A mismatch found now alerts now, not at the next hourly check.
      s.lastCheck = null;
    }
    if (s.lastCheck === null || t - s.lastCheck >= CHECK_EVERY_MS) {
      s.lastCheck = t;
      await runAlerts(now);
    } else {
      await retryDue(now);
    }
  } catch (err) {
    if (!(err instanceof ConflictError)) console.error("dockpki: the alert and probe scheduler failed:", err);
  } finally {
    s.running = false;
  }
}

/** Starts the scheduler in this process: a tick now and every minute. Idempotent. */
export function startScheduler(): void {
  if (state.dockpkiScheduler?.timer) return;
  const timer = setInterval(() => void schedulerTick(), TICK_MS);
  timer.unref();
  state.dockpkiScheduler = { timer, running: false, lastCheck: null, lastProbe: null };
  void schedulerTick();
}
