import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** The rule sets the dashboard is held to: WCAG 2.0 and 2.1, A and AA, and axe's best practices. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/**
 * Runs axe on the page as it stands and returns its violations as readable lines (rule, impact,
 * what to fix, and the elements), each prefixed with `where` (page, width, scheme); empty when clean.
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
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
