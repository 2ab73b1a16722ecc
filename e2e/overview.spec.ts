import { expect, type Page, test } from "@playwright/test";

// The overview's look ahead: the 13-week expiry timeline (its bars, their links, the table beside
// it), the getting-started checklist, and tab titles that name what a page shows.
test.describe.configure({ mode: "serial" });
// Issuing four certificates through the UI outlasts the default minute on a busy machine.
test.setTimeout(180_000);

const DAY = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const dayMonth = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
const iso = (d: Date) => d.toISOString().slice(0, 10);
/** Monday 00:00 UTC of the week holding `at`. */
function mondayOf(at: Date): Date {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return new Date(midnight - ((at.getUTCDay() + 6) % 7) * DAY);
}

const HOSTS = ["overview-docker1", "overview-docker2"];
const CLIENT = "overview-ci-runner";
let hostId = "";

async function issue(page: Page, days: number) {
  await page.getByLabel("Validity (days)").fill(String(days));
  await page.getByRole("button", { name: /Issue certificate|Issue a new certificate/ }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
}

/** "Week of 7 Dec: 3 hosts, 1 client" -> { hosts: 3, clients: 1 } */
function countsOf(name: string) {
  const n = (unit: string) => Number(name.match(new RegExp(`(\\d+) ${unit}s?\\b`))?.[1] ?? 0);
  return { hosts: n("host"), clients: n("client") };
}

test("a new install shows the getting-started checklist until its steps are done", async ({ page }) => {
  await page.goto("/ca");
  const fresh = await page.getByText("No CA yet.").isVisible();
  if (fresh) {
    // Only when this spec runs on its own right after the first-run setup: the rest of the suite makes a CA.
    await page.goto("/");
    const checklist = page.getByTestId("start-checklist");
    await expect(checklist).toBeVisible();
    await expect(checklist.getByRole("link", { name: "Create or import a certificate authority" })).toHaveAttribute(
      "href",
      "/ca",
    );
    await expect(checklist.locator("li[data-done='true']")).toHaveCount(0);
    await page.goto("/ca");
    await page.getByLabel("Common name").fill("overview CA");
    await page.getByRole("button", { name: "Create CA" }).click();
    await expect(page.getByTestId("ca-fingerprint-active")).toBeVisible();
    await page.goto("/");
    await expect(checklist.locator("li[data-done='true']")).toHaveCount(1);
  }

  for (const name of HOSTS) {
    await page.goto("/hosts/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("DNS names").fill("localhost");
    await page.getByLabel("IP addresses").fill("127.0.0.1");
    await page.getByRole("button", { name: "Add host" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    hostId = page.url().split("/").pop() as string;
    await issue(page, 10);
  }
  // A superseded certificate that would have expired the same week: it must not count.
  await issue(page, 10);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download server bundle" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);

  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill(CLIENT);
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByRole("heading", { name: CLIENT })).toBeVisible();
  await issue(page, 10);

  // CA, host, client and a downloaded bundle: the checklist is gone.
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("start-checklist")).toHaveCount(0);
});

test("the timeline has 13 weeks, each a link to the certificates expiring that week", async ({ page }) => {
  await page.goto("/");
  const timeline = page.getByTestId("expiry-timeline");
  await expect(timeline.getByRole("img", { name: /Certificates expiring per week/ })).toBeVisible();
  const bars = timeline.getByTestId("timeline-week");
  await expect(bars).toHaveCount(13);
  await timeline.screenshot({ path: test.info().outputPath("timeline.png") });
  const first = mondayOf(new Date());
  for (let i = 0; i < 13; i++) {
    const start = new Date(first.getTime() + i * 7 * DAY);
    await expect(bars.nth(i)).toHaveAttribute("aria-label", new RegExp(`^Week of ${dayMonth(start)}: `));
    await expect(bars.nth(i)).toHaveAttribute(
      "href",
      `/certificates?status=active&expiresFrom=${iso(start)}&expiresTo=${iso(new Date(start.getTime() + 6 * DAY))}`,
    );
  }

  // The week the 10-day certificates expire in holds at least this spec's two hosts and one client.
  const week = Math.floor((Date.now() + 10 * DAY - first.getTime()) / (7 * DAY));
  const bar = bars.nth(week);
  const name = (await bar.getAttribute("aria-label")) as string;
  const counts = countsOf(name);
  expect(counts.hosts).toBeGreaterThanOrEqual(2);
  expect(counts.clients).toBeGreaterThanOrEqual(1);
  await bar.focus();
  await expect(bar).toBeFocused();

  // The table alternative says the same.
  await timeline.getByText("The same as a table").click();
  const table = timeline.getByTestId("timeline-table");
  await expect(table.locator("tbody tr")).toHaveCount(13);
  const row = table.locator("tbody tr").nth(week);
  await expect(row.locator("td").nth(0)).toHaveText(String(counts.hosts));
  await expect(row.locator("td").nth(1)).toHaveText(String(counts.clients));

  const href = (await bar.getAttribute("href")) as string;
  await bar.click();
  await expect(page).toHaveURL(/\/certificates\?status=active&expiresFrom=\d{4}-\d{2}-\d{2}&expiresTo=/);
  await expect(page.getByLabel("Expires from")).toHaveValue(iso(new Date(first.getTime() + week * 7 * DAY)));
  // The list's host certificates are exactly the bar's hosts (revoked and superseded ones left out of both).
  const shown = page.getByRole("navigation", { name: "Pagination" }).locator("span").first();
  await page.getByLabel("Kind").selectOption("server");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(shown).toHaveText(new RegExp(` of ${counts.hosts}$`));
  // This spec's certificates are among them (on one long page: the whole suite leaves many in this week).
  await page.goto(`${href}&pageSize=500`);
  const list = page.locator("table");
  for (const holder of [...HOSTS, CLIENT]) await expect(list.getByRole("link", { name: holder })).toHaveCount(1);
});

test("the timeline fits its box on a phone, its labels grown to stay legible", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await expect(page.getByTestId("timeline-week")).toHaveCount(13);
  // The timeline itself adds no width: the drawing shrinks to its box and nothing in it spills out
  // (whether the dashboard's frame fits a phone is the layout's business).
  const box = await page.getByTestId("expiry-timeline").evaluate((el) => ({
    panel: el.clientWidth,
    overflow: el.scrollWidth - el.clientWidth,
    svg: (el.querySelector("svg") as SVGSVGElement).getBoundingClientRect().width,
  }));
  expect(box.overflow).toBeLessThanOrEqual(0);
  expect(box.svg).toBeLessThanOrEqual(box.panel);
  // Its text grows as the drawing shrinks, so the labels stay legible.
  const fontSize = await page
    .getByTestId("expiry-timeline")
    .locator("text.week-label")
    .first()
    .evaluate((t) => getComputedStyle(t).fontSize);
  expect(Number.parseFloat(fontSize)).toBeGreaterThanOrEqual(16);
  await page.getByTestId("expiry-timeline").screenshot({ path: test.info().outputPath("phone-timeline.png") });
});

test("tab titles name the host, client and certificate, and never to a signed-out visitor", async ({
  page,
  browser,
  baseURL,
}) => {
  await page.goto(`/hosts/${hostId}`);
  await expect(page).toHaveTitle(`${HOSTS[1]} · Hosts · dockpki`);
  await page.locator("table a[href^='/certificates/']").first().click();
  await expect(page).toHaveTitle(/^Certificate [0-9a-f]{6}… · Certificates · dockpki$/);
  await page.goto("/hosts");
  await expect(page).toHaveTitle("Hosts · dockpki");
  await page.goto(`/clients?q=${CLIENT}`);
  await page.getByRole("link", { name: CLIENT, exact: true }).click();
  await expect(page).toHaveTitle(`${CLIENT} · Clients · dockpki`);
  await page.goto("/audit");
  await expect(page).toHaveTitle("Audit log · dockpki");

  // A forged cookie gets past the proxy's cheap check, so the page's (and its title's) own check answers.
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await stranger.addCookies([{ name: "dockpki_session", value: "forged", url: baseURL as string }]);
  const anonymous = await stranger.newPage();
  await anonymous.goto(`/hosts/${hostId}`);
  await expect(anonymous).toHaveURL(/\/login/);
  expect(await anonymous.title()).not.toContain(HOSTS[1]);
  // Not in the first answer either (a streamed title would be in its HTML before the redirect).
  const raw = await stranger.request.get(`/hosts/${hostId}`, { maxRedirects: 0 });
  expect(await raw.text()).not.toContain(HOSTS[1]);
  await stranger.close();
});
