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

interface SchedulerState {
  timer?: NodeJS.Timeout;
  running: boolean;
  lastCheck: number | null;
  lastProbe: number | null;
  /** The fleet probe under way: it may outlast many ticks, which go on (and keep the lease) meanwhile. */
  probing: Promise<void> | null;
}

const state = globalThis as unknown as { dockpkiScheduler?: SchedulerState };

function schedulerState(): SchedulerState {
  state.dockpkiScheduler ??= { running: false, lastCheck: null, lastProbe: null, probing: null };
  return state.dockpkiScheduler;
}

/** Probes every host in the background; once it is done, the next tick checks alerts, so a
 * mismatch it found alerts within a minute rather than at the next hourly check. */
function startFleetProbe(s: SchedulerState, now: Date): void {
  s.probing = probeAllHosts(now)
    .then(({ probed, errors }) => {
      if (errors > 0)
        console.warn(`dockpki: scheduled probe: ${errors} of ${probed + errors} host(s) could not be probed`);
      s.lastCheck = null;
    })
    .catch((err) => console.error("dockpki: the scheduled probe failed:", err))
    .finally(() => {
      s.probing = null;
    });
}

/**
 * One minute of the scheduler: on the instance that holds the lease, the alert check at its first
 * tick and every hour (retries of failed sends in between), and the scheduled probe of every host
 * when the setting asks for one. Exported for tests, which move its clock.
 */
export async function schedulerTick(now = new Date()): Promise<void> {
  const s = schedulerState();
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
    if (
      probeIntervalMinutes &&
      !s.probing &&
      (s.lastProbe === null || t - s.lastProbe >= probeIntervalMinutes * 60_000)
    ) {
      s.lastProbe = t;
      startFleetProbe(s, now);
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

/** Waits for a scheduled fleet probe under way in this process, if any (tests). */
export async function scheduledProbeDone(): Promise<void> {
  await schedulerState().probing;
}

/** Starts the scheduler in this process: a tick now and every minute. Idempotent. */
export function startScheduler(): void {
  const s = schedulerState();
  if (s.timer) return;
  s.timer = setInterval(() => void schedulerTick(), TICK_MS);
  s.timer.unref();
  void schedulerTick();
}
