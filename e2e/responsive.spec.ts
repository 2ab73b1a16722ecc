import { expect, type Page, test } from "@playwright/test";
import { confirmDialog } from "./helpers-dialog";
import { backgroundLuminance, themeContrastFailures } from "./helpers-theme";

// Every page fits a phone (nothing scrolls sideways at 390 px), the phone menu opens and closes,
// and the colour scheme follows the browser or the admin's choice, legibly in both.
test.describe.configure({ mode: "serial" });

const PHONE = { width: 390, height: 844 };
const RUN = Date.now().toString(36);
// Long unbroken values on purpose: they are what pushed pages sideways.
const HOST = `phone-host-with-a-long-name-${RUN}`;
const CLIENT = `phone-client-${RUN}`;
const DNS = `daemon-with-a-long-name-${RUN}.docker.example.com`;

const pages: Record<string, string> = {
  overview: "/",
  ca: "/ca",
  hosts: "/hosts",
  newHost: "/hosts/new",
  clients: "/clients",
  newClient: "/clients/new",
  certificates: "/certificates",
  audit: "/audit",
  settings: "/settings",
  account: "/account",
};

test.use({ viewport: PHONE });

async function expectNoSideways(page: Page, path: string) {
  const answer = await page.goto(path);
  // A page that is not there would fit a phone too, and prove nothing.
  expect(answer?.status(), `${path} answers`).toBe(200);
  await page.waitForLoadState("networkidle");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${path} is ${width} px wide at 390 px`).toBeLessThanOrEqual(PHONE.width);
}

/** Opens the phone menu, once React has hydrated the page (a click before that does nothing). */
async function openMenu(page: Page) {
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(async () => {
    if ((await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true", { timeout: 1_000 });
  }).toPass();
}

/** Picks a theme in the (open) menu and waits for the server to have stored it. */
async function chooseTheme(page: Page, name: "System" | "Light" | "Dark") {
  const stored = page.waitForResponse((r) => r.request().method() === "POST" && r.ok());
  await page.getByRole("group", { name: "Theme" }).getByRole("button", { name }).click();
  await stored;
}

/** A CA exists when the whole suite runs (issuing.spec.ts makes it); alone, this spec makes one. */
async function ensureCa(page: Page) {
  await page.goto("/ca");
  if (await page.getByText("No CA yet.").isVisible()) {
    await page.getByLabel("Common name").fill("responsive CA");
    await page.getByRole("button", { name: "Create CA" }).click();
    await expect(page.getByTestId("ca-fingerprint-active")).toBeVisible();
  }
}

test("fixtures: a host with long names and a client whose certificate expires tomorrow", async ({ page }) => {
  test.setTimeout(120_000);
  await ensureCa(page);
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(HOST);
  await page.getByLabel("DNS names").fill(`${DNS}\nlocalhost`);
  await page.getByLabel("IP addresses").fill("10.0.0.12\n2001:db8::1234:5678:9abc:def0");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: HOST, exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();

  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill(CLIENT);
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByRole("heading", { name: CLIENT, exact: true })).toBeVisible();
  await page.getByLabel("Validity (days)").fill("1");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
});

test("no dashboard page scrolls sideways on a phone", async ({ page }) => {
  test.setTimeout(480_000);
  for (const path of Object.values(pages)) await expectNoSideways(page, path);

  await page.goto(`/hosts?q=${HOST}`);
  await page.getByRole("link", { name: HOST }).click();
  await expect(page.getByRole("heading", { name: HOST, exact: true })).toBeVisible();
  const hostPath = new URL(page.url()).pathname;
  await expectNoSideways(page, hostPath);
  // The README's phone screenshot: a host page, light scheme.
  await page.screenshot({ path: "public/screenshot-phone.png" });
  const certPath = await page.locator('a[href^="/certificates/"]').first().getAttribute("href");
  await expectNoSideways(page, certPath as string);

  await page.goto(`/clients?q=${CLIENT}`);
  await page.getByRole("link", { name: CLIENT }).click();
  await expect(page.getByRole("heading", { name: CLIENT, exact: true })).toBeVisible();
  await expectNoSideways(page, new URL(page.url()).pathname);

  // A job page: re-issue what expires soon (at least the client's one-day certificate).
  await page.goto("/");
  await page.getByRole("button", { name: /Re-issue everything expiring or expired \(\d+\)/ }).click();
  await confirmDialog(page, /^Re-issue \d+$/);
  await expect(page).toHaveURL(/\/certificates\/jobs\//);
  // In a whole-suite run this also re-issues what earlier specs left expiring: allow it the time.
  await expect(page.getByTestId("job-status")).toContainText("done", { timeout: 300_000 });
  await expectNoSideways(page, new URL(page.url()).pathname);
});

test("tables scroll inside their own named, focusable box", async ({ page }) => {
  await page.goto("/hosts");
  const box = page.getByRole("region", { name: "Hosts" });
  await expect(box).toHaveAttribute("tabindex", "0");
  expect(await box.evaluate((el) => getComputedStyle(el).overflowX)).toBe("auto");
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the login and setup pages fit a phone", async ({ page }) => {
    await expectNoSideways(page, "/login");
    // Setup is closed once an admin exists and sends the visitor on; whatever it shows must fit too.
    await expectNoSideways(page, "/setup");
  });
});

test("the menu button shows and hides the links on a phone", async ({ page }) => {
  await page.goto("/");
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  const controls = await menu.getAttribute("aria-controls");
  expect(await page.locator(`#${controls}`).count()).toBe(1);

  await openMenu(page);
  await expect(nav).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  // Following a link closes it too.
  await menu.click();
  await nav.getByRole("link", { name: "Hosts" }).click();
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
});

test("the sidebar needs no menu on a wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
});

test("the theme switch picks dark, and the choice survives a reload", async ({ page }) => {
  await page.goto("/");
  expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
  await openMenu(page);
  const theme = page.getByRole("group", { name: "Theme" });
  await expect(theme.getByRole("button", { name: "System" })).toHaveAttribute("aria-pressed", "true");
  await chooseTheme(page, "Dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(theme.getByRole("button", { name: "Dark" })).toHaveAttribute("aria-pressed", "true");

  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await backgroundLuminance(page)).toBeLessThan(0.05);
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe("dark");
  expect(await themeContrastFailures(page)).toEqual([]);

  await openMenu(page);
  await chooseTheme(page, "System");
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /./);
});

test("the light scheme's colours are legible (4.5:1 for text)", async ({ page }) => {
  await page.goto("/");
  expect(await themeContrastFailures(page)).toEqual([]);
});

test.describe("browser in dark mode", () => {
  test.use({ colorScheme: "dark" });

  test("the dashboard is dark with no choice made, and legible", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).not.toHaveAttribute("data-theme", /./);
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    expect(await themeContrastFailures(page)).toEqual([]);
  });

  test("choosing Light overrides the browser", async ({ page }) => {
    await page.goto("/");
    await openMenu(page);
    await chooseTheme(page, "Light");
    await page.reload();
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
  });
});

/** Where a form control sits, and how tall it is. */
async function box(page: Page, label: string) {
  const found = await page.getByLabel(label, { exact: true }).boundingBox();
  if (!found) throw new Error(`${label} is not on the page`);
  return found;
}

test("the host form: two columns of controls at their natural height on a desktop, one column on a phone", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/hosts/new");
  const [name, port, style] = [
    await box(page, "Name"),
    await box(page, "TLS port"),
    await box(page, "Daemon configuration"),
  ];
  expect(Math.abs(name.y - port.y), "Name and TLS port share a row").toBeLessThan(2);
  expect(port.x).toBeGreaterThan(name.x + name.width);
  // A select or a one-line input is one line tall, not stretched to its row's height.
  for (const control of [name, port, style]) expect(control.height).toBeLessThan(60);

  await page.setViewportSize(PHONE);
  const [phoneName, phonePort] = [await box(page, "Name"), await box(page, "TLS port")];
  expect(phonePort.y).toBeGreaterThan(phoneName.y + phoneName.height);
  expect(Math.abs(phonePort.x - phoneName.x)).toBeLessThan(2);
});
