// CPU time of a process group or a daemon and its children from /proc (Linux): what a server spent, between
// two readings, without instrumenting it. Resolution 10 ms (USER_HZ 100), fine over seconds.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10;

/** pid, ppid, pgrp and the CPU ticks of every live process (own, and of its children it has waited for). */
function readProcesses(): { pid: number; ppid: number; pgrp: number; own: number; reaped: number }[] | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  const out = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    out.push({ pid: Number(entry), ...parseStat(stat) });
  }
  return out;
}

/** One /proc/PID/stat line: "pid (comm) state ppid pgrp ... utime stime cutime cstime ...". */
function parseStat(stat: string) {
  // fields from the state on, after the command name, which may hold spaces
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    own: Number(fields[11]) + Number(fields[12]),
    reaped: Number(fields[13]) + Number(fields[14]),
  };
}

/** User + system CPU milliseconds of the children this process has waited for (a benchmark's commands). */
export function waitedChildrenCpuMs(): number {
  return parseStat(readFileSync("/proc/self/stat", "utf8")).reaped * TICK_MS;
}

/** User + system CPU milliseconds of every live process in the group; null off Linux. */
export function processGroupCpuMs(pgid: number): number | null {
  const processes = readProcesses();
  if (!processes) return null;
  return processes.filter((p) => p.pgrp === pgid).reduce((ms, p) => ms + p.own * TICK_MS, 0);
}

/**
 * CPU milliseconds of a daemon and its children (PostgreSQL's postmaster and its backends): the root's own time,
 * what its ended children spent (counted once it has waited for them), and its live children's; null off Linux.
 */
export function processTreeCpuMs(rootPid: number): number | null {
  const processes = readProcesses();
  const root = processes?.find((p) => p.pid === rootPid);
  if (!processes || !root) return null;
  const children = processes.filter((p) => p.ppid === rootPid);
  return (root.own + root.reaped + children.reduce((n, p) => n + p.own + p.reaped, 0)) * TICK_MS;
}
