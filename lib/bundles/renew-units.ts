import "server-only";
import { RENEW_AGENT, RENEW_AGENT_PATH } from "@/lib/bundles/docker-files";
import { InputError } from "@/lib/errors";

/** When a host may renew: weekdays (null: every day) and a time span in the host's local time. */
export interface RenewWindow {
  days: string[] | null;
  start: string;
  end: string;
  minutes: number;
}

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const TIME = "([01][0-9]|2[0-3]):([0-5][0-9])";
const WINDOW = new RegExp(`^(?:(${DAY}(?:,${DAY})*) )?${TIME}-${TIME}$`);

/** "HH:MM-HH:MM", optionally after weekdays ("Mon,Thu 02:00-04:00"); a window may pass midnight. */
export function parseRenewWindow(text: string): RenewWindow {
  const m = WINDOW.exec(text);
  if (!m) {
    throw InputError.forField(
      "renewWindow",
      'Write the renewal window as HH:MM-HH:MM, optionally after weekdays, such as "Mon,Thu 02:00-04:00".',
    );
  }
  const [, days, h1, m1, h2, m2] = m;
  const startMinutes = Number(h1) * 60 + Number(m1);
  const minutes = (Number(h2) * 60 + Number(m2) - startMinutes + 24 * 60) % (24 * 60);
  if (minutes === 0) throw InputError.forField("renewWindow", "The renewal window must not be empty.");
  return { days: days ? days.split(",") : null, start: `${h1}:${m1}`, end: `${h2}:${m2}`, minutes };
}

/** In words, for README.txt. */
export function describeRenewWindow(renewWindow: string | null): string {
  if (renewWindow === null) return "once a day at a random time";
  const w = parseRenewWindow(renewWindow);
  return `${w.days ? `on ${w.days.join(", ")} ` : "every day "}between ${w.start} and ${w.end} (this host's local time)`;
}

/** dockpki-renew.service: one run of the agent, started by the timer (or by hand). */
export function renderRenewService(): string {
  return `# dockpki: renews this host's Docker TLS certificate when it is due (started by ${RENEW_AGENT}.timer).
[Unit]
Description=dockpki: renew the Docker TLS certificate when it is due
Wants=network-online.target
After=network-online.target docker.service

[Service]
Type=oneshot
ExecStart=${RENEW_AGENT_PATH}
`;
}

/** dockpki-renew.timer: daily at a random time and catching up after downtime, or within the window
 * (RandomizedDelaySec spreads the runs over it; no catching up, which would run outside it). */
export function renderRenewTimer(renewWindow: string | null): string {
  const w = renewWindow === null ? null : parseRenewWindow(renewWindow);
  const schedule = w
    ? `OnCalendar=${w.days ? `${w.days.join(",")} ` : ""}*-*-* ${w.start}:00\nRandomizedDelaySec=${w.minutes}min`
    : "OnCalendar=daily\nRandomizedDelaySec=6h\nPersistent=true";
  return `# dockpki: when ${RENEW_AGENT} looks whether this host's certificate is due for renewal.
[Unit]
Description=dockpki: check ${describeRenewWindow(renewWindow)} whether the Docker TLS certificate is due for renewal

[Timer]
${schedule}

[Install]
WantedBy=timers.target
`;
}
