import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { unzip } from "../lib/test-support/zip";

// The lists an admin works in: sorting by expiry, filters that apply on change, the bulk bar, and
// the client page's host picker. Runs on its own (after first-run) or after the other specs.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const name = (suffix: string) => `ls-${RUN}-${suffix}`;
const HOSTS: [string, number][] = [
  [name("a"), 200],
  [name("b"), 5],
  [name("c"), 60],
];

async function addAndIssue(page: Page, list: "hosts" | "clients", holder: string, days: number) {
  await page.goto(`/${list}/new`);
  await page.getByLabel("Name", { exact: true }).fill(holder);
  if (list === "hosts") {
    await page.getByLabel("DNS names").fill(`${holder}.example.test`);
    await page.getByRole("button", { name: "Add host" }).click();
  } else {
    await page.getByRole("button", { name: "Add client" }).click();
  }
  await expect(page.getByRole("heading", { name: holder })).toBeVisible();
  await page.getByLabel("Validity (days)").fill(String(days));
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
}

/** A page with its client components hydrated: before that, a ticked box or a changed filter is lost. */
async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
}

/** The names in the list's Name column, top to bottom. */
async function listedNames(page: Page): Promise<string[]> {
  return page.locator("tbody tr td:nth-child(2) a").allTextContents();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await browser.newPage({ storageState: "e2e/.auth/admin.json" });
  await page.goto("/ca");
  if (await page.getByText("No CA yet.").isVisible()) {
    await page.getByLabel("Common name").fill("Lists e2e CA");
    await page.getByRole("button", { name: "Create CA" }).click();
    await expect(page.getByTestId("ca-fingerprint-active")).toBeVisible();
  }
  for (const [host, days] of HOSTS) await addAndIssue(page, "hosts", host, days);
  await addAndIssue(page, "clients", name("client"), 45);
  await addAndIssue(page, "clients", name("client2"), 20);
  await page.close();
});

test("sorting by expiry puts the soonest first, and a second click reverses it", async ({ page }) => {
  await open(page, `/hosts?q=ls-${RUN}-`);
  expect(await listedNames(page)).toEqual([name("a"), name("b"), name("c")]);
  await expect(page.getByRole("columnheader", { name: "Name", exact: true })).toHaveAttribute("aria-sort", "ascending");

  await page.getByRole("link", { name: "Expires" }).click();
  await expect(page).toHaveURL(/sort=expiry&dir=asc/);
  expect(await listedNames(page)).toEqual([name("b"), name("c"), name("a")]);
  await expect(page.getByRole("columnheader", { name: /Expires/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(page.getByRole("columnheader", { name: "Name", exact: true })).not.toHaveAttribute("aria-sort", /.+/);
  // Urgency is in the words as well as the colour.
  const soon = page.locator("tbody tr").first().locator("time");
  await expect(soon).toHaveText(/^in [45] days$/);
  await expect(soon).toHaveClass(/expiry-danger/);
  await expect(page.locator("tbody tr").nth(1).locator("time")).not.toHaveClass(/expiry-/);

  await page.getByRole("link", { name: /Expires/ }).click();
  await expect(page).toHaveURL(/sort=expiry&dir=desc/);
  expect(await listedNames(page)).toEqual([name("a"), name("c"), name("b")]);
});

test("a filter applies as soon as it changes, keeping the order", async ({ page }) => {
  await open(page, `/hosts?q=ls-${RUN}-&sort=expiry&dir=desc`);
  await page.getByLabel("Certificate filter").selectOption("expiring");
  await expect(page).toHaveURL(/filter=expiring/);
  await expect(page).toHaveURL(/sort=expiry/);
  await expect.poll(() => listedNames(page)).toEqual([name("b")]);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Days").selectOption("90");
  await expect(page).toHaveURL(/days=90/);
  await expect.poll(() => listedNames(page)).toEqual([name("c"), name("b")]);
});

test("the bulk bar re-issues exactly the two hosts ticked, as one job", async ({ page }) => {
  await open(page, `/hosts?q=ls-${RUN}-`);
  await expect(page.getByText("No hosts selected")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(page.getByText("3 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: `Select ${name("c")}` }).uncheck();
  await expect(page.getByText("2 selected")).toBeVisible();
  await page.getByRole("button", { name: "Re-issue" }).click();
  await expect(page).toHaveURL(/\/certificates\/jobs\//);
  await expect(page.getByText(/2 of 2 re-issued/)).toBeVisible({ timeout: 60_000 });

  await open(page, `/certificates?q=ls-${RUN}-&status=superseded`);
  await expect(page.locator("tbody tr")).toHaveCount(2);
});

test("the bulk bar revokes a ticked certificate only once the dialog is confirmed", async ({ page }) => {
  await open(page, `/certificates?q=${name("c")}&status=active`);
  await expect(page.getByRole("columnheader", { name: /Issuing CA/ })).toBeVisible();
  await page.getByRole("checkbox", { name: new RegExp(`^Select ${name("c")} `) }).check();
  await expect(page.getByText("1 selected")).toBeVisible();

  const opener = page.getByRole("button", { name: "Revoke" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "Revoke 1 certificate?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await expect(page.locator("tbody .badge", { hasText: "revoked" })).toHaveCount(0);

  await opener.click();
  await dialog.getByLabel("Reason").selectOption("cessationOfOperation");
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("Revoked 1 certificate and re-signed the CRL.")).toBeVisible();
  await open(page, `/certificates?q=${name("c")}&status=revoked`);
  await expect(page.locator("tbody tr")).toHaveCount(1);
});

test("the bulk bar deletes a ticked host after confirming", async ({ page }) => {
  await open(page, `/hosts?q=${name("c")}`);
  await page.getByRole("checkbox", { name: `Select ${name("c")}` }).check();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete 1 host?" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText(`Deleted 1 host: ${name("c")}.`)).toBeVisible();
  await expect(page.getByText("No hosts match.")).toBeVisible();
});

test("the client list sorts by expiry in amber under a month, and its bulk bar downloads the ticked bundles", async ({
  page,
}) => {
  await open(page, `/clients?q=ls-${RUN}-`);
  expect(await listedNames(page)).toEqual([name("client"), name("client2")]);
  await page.getByRole("link", { name: "Expires" }).click();
  await expect(page).toHaveURL(/sort=expiry&dir=asc/);
  expect(await listedNames(page)).toEqual([name("client2"), name("client")]);
  const soon = page.locator("tbody tr").first().locator("time");
  await expect(soon).toHaveText(/^in (19|20) days$/);
  await expect(soon).toHaveClass(/expiry-warn/);
  await expect(page.locator("tbody tr").nth(1).locator("time")).not.toHaveClass(/expiry-/);

  // With nothing ticked the Download button is there, keeps focus, and does nothing.
  await page.waitForLoadState("networkidle");
  const download = page.getByRole("button", { name: "Download" });
  await expect(download).toHaveAttribute("aria-disabled", "true");
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(page.getByText("2 selected")).toBeVisible();
  await expect(download).toHaveAttribute("aria-disabled", "false");
  const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
  const entries = await unzip(readFileSync((await file.path()) as string));
  const folders = [...entries.keys()].filter((n) => /^[^/]+\/$/.test(n));
  expect(folders.sort()).toEqual([`${name("client")}/`, `${name("client2")}/`]);
  expect(entries.get(`${name("client2")}/key.pem`)?.content).toContain("PRIVATE KEY");
});

test("the client page's host picker filters the hosts and counts them", async ({ page }) => {
  await open(page, `/clients?q=${name("client")}`);
  await page.getByRole("link", { name: name("client"), exact: true }).click();
  const filter = page.getByLabel("Find a host");
  await filter.fill(name("b"));
  await expect(page.getByText(/^1 of \d+ hosts shown/)).toBeVisible();
  const options = page.getByLabel("env.sh for").locator("option");
  await expect(options.filter({ hasText: name("b") })).toHaveCount(1);
  await expect(options.filter({ hasText: name("a") })).toHaveCount(0);
  await filter.fill("no-such-host-anywhere");
  await expect(page.getByText(/^0 of \d+ hosts shown/)).toBeVisible();
  await filter.fill("");
  await expect(options.filter({ hasText: name("a") })).toHaveCount(1);
  await filter.press("ArrowDown");
  await expect(page.getByLabel("env.sh for")).toBeFocused();
});
