import "server-only";

/**
 * At most `size` issuances run at once in this process; the others wait their turn, in order,
 * without holding anything. An issuance is CPU on the event loop (building, SQLite) and, for RSA,
 * a keygen on the thread pool: sixteen at once leave every other request (a host list, a zip
 * download) queued behind all of their steps, and sixteen RSA keygens take every core from the
 * event loop. Two at a time keep both cores busy and the dashboard answering.
 */
export function createSlots(size: number) {
  let running = 0;
  let bulkWorkers = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running >= size) await new Promise<void>((resume) => waiting.push(resume));
      else running++;
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    /**
     * Runs a caller that issues one item after another (a bulk job's worker). Between its turns it
     * holds none, yet its next item wants a core at once: othersIssuing() counts it all along.
     */
    async asBulkWorker<T>(work: () => Promise<T>): Promise<T> {
      bulkWorkers++;
      try {
        return await work();
      } finally {
        bulkWorkers--;
      }
    },
    /**
     * Whether an issuance running in its turn shares the cores with others: another turn held or
     * awaited, or a bulk job working in this process (between its items too).
     */
    othersIssuing(): boolean {
      return running > 1 || waiting.length > 0 || bulkWorkers > 0;
    },
    get waiting() {
      return waiting.length;
    },
    /** Issuances holding a turn now (the caller's own included, when it runs in one). */
    get running() {
      return running;
    },
  };
}

const configured = Number(process.env.DOCKPKI_ISSUE_CONCURRENCY);
export const issuanceSlots = createSlots(Number.isInteger(configured) && configured > 0 ? configured : 2);
