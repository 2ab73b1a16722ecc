import type { Page } from "@playwright/test";

/** Text colour on background colour, as CSS variables of app/globals.css, that must reach WCAG AA (4.5:1). */
const TEXT_PAIRS: [string, string][] = [
  ["--text", "--bg"],
  ["--text", "--panel"],
  ["--text", "--input-bg"],
  ["--muted", "--bg"],
  ["--muted", "--panel"],
  ["--muted", "--badge-bg"],
  ["--accent", "--bg"],
  ["--accent", "--panel"],
  ["--accent-text", "--accent"],
  ["--accent-text", "--danger"],
  ["--danger", "--danger-bg"],
  ["--danger", "--panel"],
  ["--warn", "--warn-bg"],
  ["--ok", "--ok-bg"],
  ["--ok", "--panel"],
  ["--info", "--info-bg"],
  ["--code-text", "--code-bg"],
  ["--nav-text", "--nav-bg"],
  ["--nav-text", "--nav-hover"],
  ["--nav-muted", "--nav-bg"],
  ["--nav-strong", "--nav-active"],
  ["--nav-accent", "--nav-bg"],
];

/**
 * Runs in the page (so it cannot use anything outside itself): the browser resolves each CSS colour
 * to rgb(), then WCAG's relative luminance and contrast ratio.
 */
function measure([colours, pairs]: [string[], [string, string][]]) {
  function luminance(css: string) {
    const probe = document.createElement("div");
    probe.style.color = css;
    document.body.append(probe);
    const [r, g, b] = (getComputedStyle(probe).color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    probe.remove();
    const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  }
  const ratio = (fg: string, bg: string) => {
    const [a, b] = [luminance(fg), luminance(bg)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  return {
    luminances: colours.map(luminance),
    ratios: pairs.map(([fg, bg]) => ratio(`var(${fg})`, `var(${bg})`)),
  };
}

/** The relative luminance of the page background: near 1 in the light scheme, near 0 in the dark one. */
export async function backgroundLuminance(page: Page): Promise<number> {
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const { luminances } = await page.evaluate(measure, [[background], []] as [string[], [string, string][]]);
  return luminances[0];
}

/** The pairs of the current scheme under 4.5:1, as "--fg on --bg: ratio"; empty when all pass. */
export async function themeContrastFailures(page: Page): Promise<string[]> {
  const { ratios } = await page.evaluate(measure, [[], TEXT_PAIRS] as [string[], [string, string][]]);
  return TEXT_PAIRS.flatMap(([fg, bg], i) => (ratios[i] < 4.5 ? [`${fg} on ${bg}: ${ratios[i].toFixed(2)}`] : []));
}
