import Link from "next/link";
import { TableScroll } from "@/app/_components/table-scroll";
import { getExpiryTimeline, type TimelineWeek } from "@/lib/certificates/timeline";
import { formatDayMonth } from "@/lib/dates";
import type { Settings } from "@/lib/settings.schema";
import { TimelineStyle } from "./timeline-style";

// Drawing units of the viewBox: the SVG scales to its box, so these are proportions, not pixels.
const WIDTH = 560;
const LEFT = 34;
const SLOT = 40;
const BAR = 26;
const TOP = 34;
const BOTTOM = 184;

const SERIES = [
  { key: "hosts", label: "Hosts", colour: "var(--accent)" },
  { key: "clients", label: "Clients", colour: "var(--ok)" },
  { key: "cas", label: "CAs", colour: "var(--warn)" },
] as const;

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a bar says to a screen reader and in its tooltip: "Week of 7 Dec: 3 hosts, 1 client". */
export function weekName(w: TimelineWeek): string {
  const parts = [
    w.hosts ? count(w.hosts, "host", "hosts") : "",
    w.clients ? count(w.clients, "client", "clients") : "",
    w.cas ? `${count(w.cas, "CA", "CAs")} (${w.caNames.join(", ")})` : "",
    w.overdue ? `${count(w.overdue, "renewal", "renewals")} overdue` : "",
  ].filter(Boolean);
  return `Week of ${formatDayMonth(w.start)}: ${parts.length ? parts.join(", ") : "nothing expires"}`;
}

/** Gridlines at a round step (1, 2, 5, 10, 20, 50...), about four of them, and the axis top they make. */
export function axisTicks(largest: number): { max: number; ticks: number[] } {
  const rough = Math.max(1, largest) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude);
  const max = Math.max(step, Math.ceil(largest / step) * step);
  return { max, ticks: Array.from({ length: max / step }, (_, i) => (i + 1) * step) };
}

const weekHref = (w: TimelineWeek) => `/certificates?status=active&expiresFrom=${w.from}&expiresTo=${w.to}`;
const total = (w: TimelineWeek) => w.hosts + w.clients + w.cas;
const barX = (i: number) => LEFT + i * SLOT + (SLOT - BAR) / 2;

/** Overview: what expires in each of the next 13 weeks, one bar per week, each a link to that week's list. */
export async function ExpiryTimeline({ settings }: { settings: Settings }) {
  const weeks = await getExpiryTimeline(settings);
  const { max, ticks } = axisTicks(Math.max(...weeks.map(total)));
  const scale = (BOTTOM - TOP) / max;
  const all = weeks.reduce((sum, w) => sum + total(w), 0);
  const busiest = weeks.reduce((a, b) => (total(b) > total(a) ? b : a));
  const overdue = weeks.reduce((sum, w) => sum + w.overdue, 0);
  const summary =
    all === 0
      ? "Nothing expires in the next 13 weeks."
      : `${all} expire in the next 13 weeks; the most in the week of ${formatDayMonth(busiest.start)} (${total(busiest)}).` +
        (overdue ? ` ${count(overdue, "renewal is", "renewals are")} overdue.` : "");
  return (
    <section className="panel expiry-timeline" aria-labelledby="timeline-h" data-testid="expiry-timeline">
      <TimelineStyle />
      <h2 id="timeline-h">The next 13 weeks</h2>
      {/* The drawing is one image with a summary; the week links sit beside it, since an image's
          children are hidden from assistive technology. */}
      <svg viewBox={`0 0 ${WIDTH} 226`} aria-label="Expiry timeline">
        <svg role="img" aria-labelledby="timeline-title timeline-desc" overflow="visible">
          <title id="timeline-title">Certificates expiring per week, the next 13 weeks</title>
          <desc id="timeline-desc">{summary}</desc>
          {ticks.map((v) => (
            <g key={v}>
              <line x1={LEFT} x2={WIDTH} y1={BOTTOM - v * scale} y2={BOTTOM - v * scale} className="grid" />
              <text x={LEFT - 6} y={BOTTOM - v * scale + 4} textAnchor="end">
                {v}
              </text>
            </g>
          ))}
          <line x1={LEFT} x2={WIDTH} y1={BOTTOM} y2={BOTTOM} className="axis" />
          {/* Totals and dates belong to the picture, not to the week links: a link's visible text
              must be part of its name, and "3" or "7Dec" is not part of "Week of 7 Dec: 2 hosts, 1 client". */}
          {weeks.map((w, i) => {
            const x = barX(i);
            return (
              <g key={w.from}>
                {total(w) ? (
                  <text x={x + BAR / 2} y={BOTTOM - total(w) * scale - 5} textAnchor="middle" className="total">
                    {total(w)}
                  </text>
                ) : null}
                <text x={x + BAR / 2} y={BOTTOM + 18} textAnchor="middle" className="week-label">
                  {w.start.getUTCDate()}
                </text>
                {i === 0 || w.start.getUTCMonth() !== weeks[i - 1].start.getUTCMonth() ? (
                  <text x={x + BAR / 2} y={BOTTOM + 36} textAnchor="middle" className="week-label">
                    {formatDayMonth(w.start).split(" ")[1]}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
        {weeks.map((w, i) => {
          const x = barX(i);
          let y = BOTTOM;
          const name = weekName(w);
          return (
            <a key={w.from} href={weekHref(w)} aria-label={name} data-testid="timeline-week">
              <title>{name}</title>
              <rect className="hit" x={LEFT + i * SLOT + 1} y={4} width={SLOT - 2} height={BOTTOM - 2} rx={4} />
              {SERIES.map((s) => {
                const h = w[s.key] * scale;
                if (!h) return null;
                y -= h;
                return <rect key={s.key} x={x} y={y} width={BAR} height={h} style={{ fill: s.colour }} />;
              })}
              {w.overdue ? (
                <path
                  className="overdue"
                  d={`M${x + BAR / 2 - 6} ${y - 30} h12 l-6 8 z`}
                  data-testid="timeline-overdue"
                />
              ) : null}
            </a>
          );
        })}
      </svg>
      <ul className="timeline-legend">
        {SERIES.map((s) => (
          <li key={s.key}>
            <span className="swatch" style={{ background: s.colour }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
        <li>
          <svg viewBox="0 0 12 8" className="swatch" aria-hidden="true">
            <path className="overdue" d="M0 0 h12 l-6 8 z" />
          </svg>
          renewal overdue
        </li>
      </ul>
      <details>
        <summary>The same as a table</summary>
        <TableScroll label="Expiry by week">
          <table data-testid="timeline-table">
            <caption className="muted">{summary}</caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col">Hosts</th>
                <th scope="col">Clients</th>
                <th scope="col">CAs</th>
                <th scope="col">Renewal overdue</th>
              </tr>
            </thead>
            <tbody>
              {weeks.map((w) => (
                <tr key={w.from}>
                  <th scope="row">
                    <Link href={weekHref(w)}>
                      {formatDayMonth(w.start)} to {formatDayMonth(new Date(`${w.to}T00:00:00Z`))}
                    </Link>
                  </th>
                  <td>{w.hosts}</td>
                  <td>{w.clients}</td>
                  <td>{w.cas ? `${w.cas} (${w.caNames.join(", ")})` : 0}</td>
                  <td>{w.overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </section>
  );
}
