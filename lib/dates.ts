/** The one date format of the dashboard: ISO day and time in UTC, unambiguous for every admin. */
export function formatDateTime(date: Date | string | null | undefined): string {
  if (!date) return "—";
  const d = typeof date === "string" ? new Date(date) : date;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDate(date: Date | string | null | undefined): string {
  if (!date) return "—";
  const d = typeof date === "string" ? new Date(date) : date;
  return d.toISOString().slice(0, 10);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "7 Dec": a day in a short label (chart axes), in UTC like every other date here. */
export function formatDayMonth(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/**
 * A distance in time as people say it, in the largest unit that still reads naturally:
 * "in 10 years", "in 3 months", "in 12 days", "2 hours ago", "just now".
 */
export function formatRelativeTime(date: Date, now = new Date()): string {
  const ms = date.getTime() - now.getTime();
  const abs = Math.abs(ms);
  let amount: string;
  if (abs < MINUTE_MS) return "just now";
  if (abs < HOUR_MS) amount = plural(Math.round(abs / MINUTE_MS), "minute");
  else if (abs < DAY_MS) amount = plural(Math.min(23, Math.round(abs / HOUR_MS)), "hour");
  // Days up to six weeks: "in 40 days" says more than "in 1 month" when a renewal is near.
  else if (abs < 45 * DAY_MS) amount = plural(Math.round(abs / DAY_MS), "day");
  else if (abs < 365 * DAY_MS) amount = plural(Math.min(11, Math.round(abs / (30.4375 * DAY_MS))), "month");
  else amount = plural(Math.round(abs / (365.25 * DAY_MS)), "year");
  return ms > 0 ? `in ${amount}` : `${amount} ago`;
}
