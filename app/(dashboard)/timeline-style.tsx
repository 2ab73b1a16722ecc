// The timeline's look, beside it rather than in globals.css: only the overview draws it. Colours are
// the theme's variables, so light and dark both hold; text grows on a phone, where the SVG shrinks.
const CSS = `
.expiry-timeline svg { display: block; width: 100%; height: auto; max-width: 720px; }
.expiry-timeline text { font-size: 12px; fill: var(--muted); }
.expiry-timeline text.total { fill: var(--text); font-weight: 600; }
.expiry-timeline .grid { stroke: var(--border); stroke-dasharray: 3 3; }
.expiry-timeline .axis { stroke: var(--muted); }
.expiry-timeline .overdue { fill: var(--danger); }
.expiry-timeline .hit { fill: transparent; stroke: none; }
.expiry-timeline a:hover .hit { fill: var(--border); fill-opacity: 0.45; }
.expiry-timeline a:focus { outline: none; }
.expiry-timeline a:focus-visible .hit { stroke: var(--accent); stroke-width: 2; }
.timeline-legend { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; padding: 0; margin: 8px 0 12px; color: var(--muted); font-size: 13px; }
.timeline-legend li { display: flex; align-items: center; gap: 6px; }
.timeline-legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
@media (max-width: 640px) {
  .expiry-timeline text { font-size: 17px; }
}
`;

export function TimelineStyle() {
  return <style>{CSS}</style>;
}
