import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** The rule sets the dashboard is held to: WCAG 2.0 and 2.1, A and AA, and axe's best practices. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/**
 * Runs axe on the page as it stands and returns its violations as readable lines (rule, impact,
 * what to fix, and the elements), each prefixed with `where` (page, width, scheme); empty when clean.
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  // Legacy mode: axe.run in the page itself. The default runs each frame's part, then opens a blank
  // page to merge them, which took 1.5-2.5 s per call here against 0.1-0.3 s for the run. The
  // dashboard has no frames (it forbids being framed and frames nothing), so nothing goes unjudged.
  const { violations, passes } = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true).analyze();
  // A run that judged nothing would find nothing on any page: that is a failure, not a pass.
  if (violations.length === 0 && passes.length === 0) throw new Error(`${where}: axe judged nothing`);
  return violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 6)
      .map((n) => `      ${n.target.join(" ")}${n.failureSummary ? ` (${firstLine(n.any, n.all, n.none)})` : ""}`)
      .join("\n");
    const more = v.nodes.length > 6 ? `\n      …and ${v.nodes.length - 6} more` : "";
    return `${where}: [${v.id}] (${v.impact}) ${v.help}\n${nodes}${more}`;
  });
}

type Check = { message: string }[];

/** The first reason axe gives for one element, e.g. the measured contrast ratio. */
function firstLine(...checks: Check[]): string {
  return checks.flat()[0]?.message ?? "";
}
