import type { CSSProperties, ReactNode } from "react";

/**
 * A table's own scroll box: on a narrow screen the table scrolls inside it instead of the page.
 * A named <section> is a region landmark; focusable and named so a keyboard user can reach it and scroll it with the arrow keys.
 */
export function TableScroll({ label, style, children }: { label: string; style?: CSSProperties; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to be scrolled by keyboard
    <section className="table-wrap" aria-label={label} tabIndex={0} style={style}>
      {children}
    </section>
  );
}
