// Timing helpers shared by the benchmarks: warm-up, median and p90, the load average beside each
// figure (the machine is shared, so a figure without its load is hard to read), a Markdown table.
import os from "node:os";

export interface Row {
  name: string;
  runs: number;
  median: number;
  p90: number;
  /** 1-minute load average when the measurement ended. */
  load: number;
  note?: string;
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/**
 * A seeded shuffle, so that a run's order can be repeated (--seed N): `seed` is the one used, for
 * the report. Each call of `shuffled` continues the same sequence.
 */
export function seededShuffle(given: string | undefined): { seed: number; shuffled: <T>(items: T[]) => T[] } {
  const seed = Number(given ?? Date.now() % 100_000) >>> 0;
  let state = seed;
  const shuffled = <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      state = (state * 1_664_525 + 1_013_904_223) >>> 0;
      const j = Math.floor((state / 2 ** 32) * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { seed, shuffled };
}

/** The lower median and the nearest-rank p90 of some timings. */
export function summarize(times: number[]): { median: number; p90: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)], p90: sorted[Math.ceil(sorted.length * 0.9) - 1] };
}

/** Nearest-rank percentile (p from 0 to 1) of some timings; NaN when there are none. */
export function percentile(times: number[], p: number): number {
  if (times.length === 0) return Number.NaN;
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)];
}

export function createRecorder(defaults: { runs: number; warmup: number }) {
  const rows: Row[] = [];

  const record = (name: string, times: number[], note?: string): Row => {
    const row = { name, runs: times.length, ...summarize(times), load: os.loadavg()[0], note };
    rows.push(row);
    console.error(
      `${name}: median ${row.median.toFixed(1)} ms, p90 ${row.p90.toFixed(1)} ms (load ${row.load.toFixed(2)})${note ? `, ${note}` : ""}`,
    );
    return row;
  };

  /**
   * Times fn after discarding warm-up runs; `describe` turns the last result into the row's note.
   * A case whose first warm-up run takes over `slowMs` gets 3 runs, the minimum that still gives
   * a median, and that first run counts as one of them (a cold cache is noise next to seconds):
   * a pathological query must not hold the whole benchmark for an hour.
   */
  async function measure<T>(
    name: string,
    fn: () => Promise<T> | T,
    options: { runs?: number; warmup?: number; slowMs?: number; describe?: (result: T) => string } = {},
  ): Promise<Row> {
    let runs = options.runs ?? defaults.runs;
    const times: number[] = [];
    let result: T | undefined;
    for (let i = 0; i < (options.warmup ?? defaults.warmup); i++) {
      const t0 = performance.now();
      result = await fn();
      const ms = performance.now() - t0;
      if (ms > (options.slowMs ?? 5_000)) {
        times.push(ms);
        runs = Math.min(runs, 3);
        break;
      }
    }
    while (times.length < runs) {
      const t0 = performance.now();
      result = await fn();
      times.push(performance.now() - t0);
    }
    return record(name, times, options.describe && result !== undefined ? options.describe(result) : undefined);
  }

  function printTable(): void {
    const notes = rows.some((r) => r.note);
    console.log(`| measurement | runs | median ms | p90 ms | load |${notes ? " result |" : ""}`);
    console.log(`|---|---:|---:|---:|---:|${notes ? "---|" : ""}`);
    for (const r of rows) {
      const cells = [r.name, r.runs, r.median.toFixed(1), r.p90.toFixed(1), r.load.toFixed(2)];
      if (notes) cells.push(r.note ?? "");
      console.log(`| ${cells.join(" | ")} |`);
    }
  }

  return { rows, measure, record, printTable };
}

/** One line naming the machine and the run, printed above each table. */
export function describeMachine(): string {
  const cpu = os.cpus();
  return `${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model}, node ${process.version}`;
}
