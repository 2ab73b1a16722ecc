import type { AddressInfo } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { expect, test } from "@playwright/test";
import { makeTestPki } from "../lib/test-support/bundle-pki";
import { freePort } from "../lib/test-support/docker-sandbox";
import { startWebhookReceiver, type WebhookReceiver } from "../lib/test-support/webhook-receiver";
import { confirmDialog } from "./helpers-dialog";

// The monitoring pages: alert channels on the settings page (added with the form, "Send a test",
// refusals next to their fields), the alert and probe settings, and a host's "Check now" with its
// result on the host page and in the host list. The probed host has only 127.0.0.1, on a port
// nothing listens on.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const CHANNEL = `ui-hook-${RUN}`;
const HOST = `probe-ui-${RUN}`;
let hook: WebhookReceiver;

test.beforeAll(async () => {
  hook = await startWebhookReceiver({ secret: "ui-secret-0123456789abcdef" });
});
test.afterAll(async () => {
  await hook?.close();
});

test("an alert channel is added with the form and answers a test", async ({ page }) => {
  await page.goto("/settings");
  const section = page.locator("section", { has: page.getByRole("heading", { name: "Alert channels" }) });
  await section.getByLabel("Channel name").fill(CHANNEL);
  await section.getByLabel("URL").fill("ftp://127.0.0.1/nope");
  await section.getByRole("button", { name: "Add channel" }).click();
  await expect(section.getByText(/starting with https:\/\//)).toBeVisible();

  await section.getByLabel("URL").fill(`${hook.url}/secret/path`);
  await section.getByLabel("Signing secret (optional)").fill("ui-secret-0123456789abcdef");
  await section.getByRole("button", { name: "Add channel" }).click();
  await expect(section.getByText(`Alert channel ${CHANNEL} added.`)).toBeVisible();
  const row = page.getByTestId(`alert-channel-${CHANNEL}`);
  await expect(row).toContainText(new URL(hook.url).origin);
  await expect(row).not.toContainText("secret/path");
  await expect(row).toContainText("signed");

  await row.getByRole("button", { name: "Send a test" }).click();
  await expect(row.getByRole("status")).toContainText("Sent: the channel answered HTTP 200");
  expect(hook.requests.at(-1)?.signatureOk).toBe(true);
  expect(hook.requests.at(-1)?.json).toMatchObject({ event: "test", version: 1 });

  // The README's screenshot: the channel, its test accepted, and the form for the next one.
  await page.reload();
  await section.screenshot({ path: "public/screenshot-alerts.png" });
  // The email fields appear only for email.
  await section.getByLabel("Type").selectOption("email");
  await expect(section.getByLabel("SMTP server")).toBeVisible();
  await expect(section.getByLabel("URL")).toHaveCount(0);

  await row.getByRole("button", { name: "Turn off" }).click();
  await expect(row).toContainText("off");
  await row.getByRole("button", { name: "Delete" }).click();
  expect(await confirmDialog(page, "Delete")).toBe(`Delete the alert channel ${CHANNEL}?`);
  await expect(page.getByTestId(`alert-channel-${CHANNEL}`)).toHaveCount(0);
});

test("the alert thresholds are a setting, refused plainly when wrong", async ({ page }) => {
  await page.goto("/settings");
  const field = page.getByLabel("Alert when a certificate has this many days left");
  await expect(field).toHaveValue("30, 14, 7, 1");
  await field.fill("30, fourteen");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("List whole numbers of days, e.g. 30, 14, 7, 1.")).toBeVisible();
  await page.goto("/settings");
  await expect(page.getByLabel("Alert when a certificate has this many days left")).toHaveValue("30, 14, 7, 1");
  await expect(page.getByLabel("Probe every host every (minutes)")).toHaveValue("");
});

test("Check now on a host page shows what the daemon serves, and the host list says it", async ({ page }) => {
  const port = await freePort();
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(HOST);
  await page.getByLabel("DNS names").fill("");
  await page.getByLabel("IP addresses").fill("127.0.0.1");
  await page.getByLabel("TLS port").fill(String(port));
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: HOST })).toBeVisible();
  const panel = page.getByTestId("probe-panel");
  await expect(panel).toContainText("Not probed yet.");
  await panel.getByRole("button", { name: "Check now" }).click();
  await expect(panel.getByTestId("probe-endpoints")).toContainText(`127.0.0.1:${port}`);
  await expect(panel.getByTestId("probe-endpoints")).toContainText("connection refused");
  await expect(panel.getByTestId("probe-badge").first()).toHaveAttribute("data-status", "unreachable");

  await page.goto(`/hosts?q=${HOST}`);
  const row = page.getByRole("row", { name: new RegExp(HOST) });
  await expect(row.getByTestId("probe-badge")).toContainText("unreachable");
  await expect(row).toContainText("connection refused");
});

test("a daemon serving a certificate of another CA shows on the overview", async ({ page }) => {
  // A stand-in daemon on 127.0.0.1 with a certificate from a throw-away CA dockpki does not know.
  const pki = makeTestPki();
  const daemon = createTlsServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => daemon.listen(0, "127.0.0.1", resolve));
  const port = (daemon.address() as AddressInfo).port;
  const name = `impostor-${RUN}`;
  try {
    await page.goto("/hosts/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("DNS names").fill("");
    await page.getByLabel("IP addresses").fill("127.0.0.1");
    await page.getByLabel("TLS port").fill(String(port));
    await page.getByRole("button", { name: "Add host" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    const panel = page.getByTestId("probe-panel");
    await panel.getByRole("button", { name: "Check now" }).click();
    await expect(panel.getByTestId("probe-badge").first()).toHaveAttribute("data-status", "untrusted");
    await expect(panel.getByTestId("probe-endpoints")).toContainText("not signed by a CA dockpki trusts");

    await page.goto("/");
    const mismatches = page.getByTestId("probe-mismatches");
    await expect(mismatches).toContainText("Daemons serving the wrong certificate");
    await expect(mismatches.getByRole("row", { name: new RegExp(name) })).toContainText("untrusted certificate");
  } finally {
    daemon.close();
  }
});
