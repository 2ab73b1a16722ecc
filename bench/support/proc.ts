// CPU time of a process group from /proc (Linux): what a server spent, children included, between
// two readings, without instrumenting it. Resolution 10 ms (USER_HZ 100), fine over seconds.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10;

/** User + system CPU milliseconds of every live process in the group; null off Linux. */
export function processGroupCpuMs(pgid: number): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  let ticks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid pgrp ... utime stime: fields 3.. after the command name, which may hold spaces
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}
