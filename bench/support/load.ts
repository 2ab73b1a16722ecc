// Bounded load: a closed loop of N workers (each sends its next request when its last one answered)
// that stops starting requests after `maxRequests` or `maxMs`, whichever comes first; and a side loop
// that polls something one request at a time meanwhile, to see what other users wait.
import { processGroupCpuMs } from "./proc";

export interface Sample {
  ms: number;
  /** null: the answer was right; otherwise what was wrong with it. */
  problem: string | null;
  /** Parts of the request timed apart (e.g. the zip download), in ms. */
  parts?: Record<string, number>;
}

export interface LoadLevel {
  samples: Sample[];
  wallMs: number;
  /** CPU of the serving process group over the level (null off Linux). */
  serverCpuMs: number | null;
  clientCpuMs: number;
}

export async function closedLoop(options: {
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  serverPid: number;
  send: (i: number) => Promise<Omit<Sample, "ms"> & { ms?: number }>;
  /** Stops starting requests once this answers true (checked before each one). */
  stopWhen?: () => boolean;
}): Promise<LoadLevel> {
  const samples: Sample[] = [];
  let next = 0;
  const cpu0 = processGroupCpuMs(options.serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + options.maxMs;
  const worker = async () => {
    while (next < options.maxRequests && performance.now() < deadline && !options.stopWhen?.()) {
      const i = next++;
      const start = performance.now();
      try {
        const answer = await options.send(i);
        samples.push({ ms: answer.ms ?? performance.now() - start, problem: answer.problem, parts: answer.parts });
      } catch (err) {
        samples.push({ ms: performance.now() - start, problem: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu1 = processGroupCpuMs(options.serverPid);
  const client = process.cpuUsage(client0);
  return {
    samples,
    wallMs,
    serverCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    clientCpuMs: (client.user + client.system) / 1000,
  };
}

/** Polls `fn` one call at a time, `pauseMs` apart, until stopped; answers the latencies (ms) and failures. */
export function sideLoop(fn: () => Promise<void>, pauseMs: number) {
  let running = true;
  const times: number[] = [];
  let failures = 0;
  const done = (async () => {
    while (running) {
      const start = performance.now();
      try {
        await fn();
        times.push(performance.now() - start);
      } catch {
        failures++;
      }
      if (running) await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return {
    async stop(): Promise<{ times: number[]; failures: number }> {
      running = false;
      await done;
      return { times, failures };
    },
  };
}
