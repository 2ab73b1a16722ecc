import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import config from "../playwright.config";
import { AUTH_FILE } from "./helpers";
import { confirmDialog } from "./helpers-dialog";

// Big and destructive actions ask first in a dialog that names what happens; every add, delete and
// revoke leaves a notice in a status region; copy buttons work where the clipboard API is missing.
// Named to run after issuing.spec.ts, which must find no CA, and before lifecycle.spec.ts rotates.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const HOST = `dlg-host-${RUN}`;
const CLIENT = `dlg-client-${RUN}`;

/** A CA exists when the whole suite runs (issuing.spec.ts makes it); alone, this spec makes one. */
async function ensureCa(page: Page) {
  await page.goto("/ca");
  if (await page.getByText("No CA yet.").isVisible()) {
    await page.getByLabel("Common name").fill("dialogs CA");
    await page.getByRole("button", { name: "Create CA" }).click();
    await expect(page.getByTestId("ca-fingerprint-active")).toBeVisible();
  }
}

/** The notice after an action, inside the page's status region. */
const notice = (page: Page, text: string | RegExp) => page.getByTestId("flash").filter({ hasText: text });

async function issue(page: Page, days: number) {
  await page.getByLabel("Validity (days)").fill(String(days));
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
}

test("adding a host says so; deleting it asks first, and Cancel and Escape leave it", async ({ page }) => {
  await ensureCa(page);
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(HOST);
  await page.getByLabel("DNS names").fill(`${HOST}.example.internal`);
  await page.getByLabel("IP addresses").fill("10.20.30.40");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: HOST, level: 1 })).toBeVisible();
  await expect(notice(page, `Host ${HOST} added.`)).toBeVisible();
  await expect(page.getByTestId("flash")).toHaveAttribute("role", "status");
  await issue(page, 5);
  const certHref = (await page.locator("table a[href^='/certificates/']").first().getAttribute("href")) as string;

  const trigger = page.getByRole("button", { name: "Delete host" });
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: `Delete host ${HOST}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleDescription(/Its 1 certificate stays on record/);
  await expect(dialog).toContainText("1 certificate is still valid");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();

  await trigger.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();
  await page.reload();
  await expect(page.getByRole("heading", { name: HOST, level: 1 })).toBeVisible();
  // Shown once: a reload no longer carries the notice.
  await expect(page.getByTestId("flash")).toBeEmpty();

  await trigger.click();
  expect(await confirmDialog(page, "Delete host")).toBe(`Delete host ${HOST}?`);
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(notice(page, `Host ${HOST} deleted. Its certificates stay on record.`)).toBeVisible();
  await page.goto(`/hosts?q=${HOST}`);
  await expect(page.getByRole("link", { name: HOST, exact: true })).toHaveCount(0);
  await expect(page.getByTestId("flash")).toBeEmpty();

  // Its still valid certificate outlives it (and would hold up a CA rotation): revoke it too.
  await page.goto(certHref);
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(page.getByRole("dialog")).toContainText("replace the certificate on the host");
  await confirmDialog(page, "Revoke certificate");
  await expect(notice(page, /^Certificate [0-9a-f]{12}… revoked and the CRL re-signed\.$/)).toBeVisible();
});

test("revoking names the certificate and its serial; Cancel leaves it valid", async ({ page }) => {
  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill(CLIENT);
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(notice(page, `Client ${CLIENT} added.`)).toBeVisible();
  await issue(page, 5);
  const clientUrl = page.url();
  await page.locator("table a[href^='/certificates/']").first().click();
  const serial = ((await page.locator("dd.mono").first().textContent()) ?? "").trim();
  const short = `${serial.slice(0, 12)}…`;

  const trigger = page.getByRole("button", { name: "Revoke", exact: true });
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: `Revoke ${CLIENT}'s certificate, serial ${short}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("dockerd does not check CRLs");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(trigger).toBeFocused();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Revoke", exact: true })).toBeVisible();

  await trigger.click();
  await confirmDialog(page, "Revoke certificate");
  await expect(notice(page, `Certificate ${short} revoked and the CRL re-signed.`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Revoke", exact: true })).toHaveCount(0);

  await page.goto(clientUrl);
  await page.getByRole("button", { name: "Delete client" }).click();
  const del = page.getByRole("dialog", { name: `Delete client ${CLIENT}?` });
  await expect(del).toContainText("Its 1 certificate stays on record");
  await expect(del).not.toContainText("still valid");
  await confirmDialog(page, "Delete client");
  await expect(notice(page, `Client ${CLIENT} deleted.`)).toBeVisible();
});

test("a bulk re-issue names its counts by holder, and starts only when confirmed", async ({ page }) => {
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(`${HOST}-bulk`);
  await page.getByLabel("DNS names").fill("bulk.example.internal");
  await page.getByLabel("IP addresses").fill("10.20.30.41");
  await page.getByRole("button", { name: "Add host" }).click();
  await issue(page, 5);
  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill(`${CLIENT}-bulk`);
  await page.getByRole("button", { name: "Add client" }).click();
  await issue(page, 5);

  await page.goto("/");
  const trigger = page.getByRole("button", { name: /^Re-issue everything expiring or expired \(\d+\)$/ });
  const total = Number((await trigger.textContent())?.match(/\((\d+)\)/)?.[1]);
  await trigger.click();
  const dialog = page.getByRole("dialog");
  const title = (await dialog.getByRole("heading").textContent()) ?? "";
  const [, n, hosts, clients] = title.match(/^Re-issue (\d+) certificates: (\d+) hosts?, (\d+) clients?\./) ?? [];
  expect(Number(n)).toBe(total);
  expect(Number(hosts) + Number(clients)).toBe(total);
  expect(Number(hosts)).toBeGreaterThanOrEqual(1);
  expect(Number(clients)).toBeGreaterThanOrEqual(1);
  expect(title).toMatch(/The old ones stay valid until they expire\.$/);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(trigger).toBeFocused();
  await expect(page).toHaveURL(/\/$/);

  await page.getByLabel("Also revoke the replaced certificates").check();
  await trigger.click();
  await expect(dialog.getByRole("heading")).toHaveText(
    new RegExp(`^Re-issue ${total} certificates: .*; revoke the ${total} old ones\\.$`),
  );
  await confirmDialog(page, `Re-issue ${total}`);
  await expect(page).toHaveURL(/\/certificates\/jobs\//);
  await expect(notice(page, `Re-issue of ${total} certificates started.`)).toBeVisible();
  // Later specs start bulk jobs of their own: this one finishes first.
  await expect(page.getByTestId("job-status")).toContainText("done", { timeout: 120_000 });
});

test("the successor CA waits until 'rotate' is typed, and Cancel changes nothing", async ({ page }) => {
  await page.goto("/ca");
  test.skip(
    await page.getByRole("heading", { name: "Rotation in progress" }).isVisible(),
    "a rotation is already under way",
  );
  const fingerprint = await page.getByTestId("ca-fingerprint-active").textContent();
  const trigger = page.getByRole("button", { name: "Create the successor CA" });
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: "Start a CA rotation?" });
  await expect(dialog).toHaveAccessibleDescription(/A new CA with a new key is made now/);
  await expect(dialog).toContainText("must get a new bundle with both");
  const typed = dialog.getByRole("textbox", { name: "Type rotate to confirm" });
  await expect(typed).toBeFocused();
  const confirm = dialog.getByRole("button", { name: "Create the successor CA" });
  await expect(confirm).toHaveAttribute("aria-disabled", "true");
  // aria-disabled keeps it focusable and clickable: the click is refused with a reason.
  await confirm.click({ force: true });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Type rotate exactly to confirm.")).toBeVisible();
  await typed.fill("rotat");
  await typed.press("Enter");
  await expect(dialog).toBeVisible();
  await typed.fill("rotate");
  await expect(confirm).toHaveAttribute("aria-disabled", "false");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(trigger).toBeFocused();

  await page.reload();
  await expect(page.getByTestId("ca-fingerprint-active")).toHaveText(fingerprint ?? "");
  await expect(page.getByRole("heading", { name: "Rotation in progress" })).toHaveCount(0);
  const caPem = await (await page.request.get("/api/v1/ca.pem")).text();
  expect(caPem.match(/BEGIN CERTIFICATE/g)?.length).toBe(1);
});

// dockpki.lan is not a secure context, so the browser offers no navigator.clipboard there. A browser
// of its own maps that name to loopback (test.use cannot change launch options for one test).
test("over plain http on a LAN name, Copy falls back to the selection, then asks for Ctrl+C", async ({
  playwright,
}) => {
  const launch = config.use?.launchOptions ?? {};
  const browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), "--host-resolver-rules=MAP dockpki.lan 127.0.0.1"],
  });
  try {
    const origin = `http://dockpki.lan:${new URL(config.use?.baseURL ?? "http://127.0.0.1:3100").port}`;
    const context = await browser.newContext({ baseURL: origin });
    const { cookies } = JSON.parse(readFileSync(AUTH_FILE, "utf8")) as { cookies: { name: string; value: string }[] };
    await context.addCookies(cookies.map((c) => ({ name: c.name, value: c.value, url: origin })));
    const page = await context.newPage();
    // Notes what each execCommand("copy") had selected; failCopy makes it report failure.
    await page.addInitScript(() => {
      const w = window as unknown as { copies: { selected: string; ok: boolean }[]; failCopy?: boolean };
      w.copies = [];
      const original = Document.prototype.execCommand;
      Document.prototype.execCommand = function (this: Document, command: string, ...rest: [boolean?, string?]) {
        const el = document.activeElement as HTMLTextAreaElement | null;
        const selected = el && "selectionStart" in el ? el.value.slice(el.selectionStart, el.selectionEnd) : "";
        const ok = w.failCopy ? false : original.call(this, command, ...rest);
        if (command === "copy") w.copies.push({ selected, ok });
        return ok;
      };
    });
    await page.goto("/ca");
    expect(await page.evaluate(() => [window.isSecureContext, typeof navigator.clipboard])).toEqual([
      false,
      "undefined",
    ]);
    const caPem = (await page.getByTestId("bundle-ca-pem").textContent()) ?? "";
    const button = page.getByRole("button", { name: "Copy ca.pem" });
    const status = button.locator("xpath=following-sibling::*[@role='status'][1]");

    await button.click();
    await expect(status).toHaveText("Copied");
    const copies = await page.evaluate(() => (window as unknown as { copies: { selected: string }[] }).copies);
    expect(copies).toHaveLength(1);
    expect(copies[0].selected.trim()).toBe(caPem.trim());
    await expect(button).toBeFocused();

    await page.evaluate(() => {
      (window as unknown as { failCopy: boolean }).failCopy = true;
    });
    await button.click();
    await expect(status).toHaveText("Could not copy here. Press Ctrl+C to copy.");
    const manual = page.getByRole("textbox", { name: "Copy ca.pem: select and copy this text" });
    await expect(manual).toBeFocused();
    await expect(manual).toHaveJSProperty("readOnly", true);
    const selection = await manual.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
    expect(selection).toEqual([0, caPem.length]);
  } finally {
    await browser.close();
  }
});
