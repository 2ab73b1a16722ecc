import { createHash, createPrivateKey, sign } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { unzip } from "../lib/test-support/zip";
import { AUTH_FILE } from "./helpers";
import { confirmDialog } from "./helpers-dialog";

// The renewal pages: the settings group, the host and client Renewal panels with their one-time
// enrollment command, an agent's report as the host page shows it, the date a revoked client stops
// working, and the overview's overdue panel. Every setting changed here is put back at the end.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const HOST = `renew-ui-host-${RUN}`;
const CLIENT = `renew-ui-client-${RUN}`;
const RENEWAL_FIELDS = {
  publicUrl: "Public URL of this dashboard",
  publicUrlCaPem: "The dashboard's TLS CA (optional)",
  renewalServerCertDays: "Server certificate lifetime when renewing (days)",
  renewalClientCertDays: "Client certificate lifetime when renewing (days)",
  renewAtRemainingPercent: "Renew when this share of the lifetime is left (%)",
  enrollmentTokenMinutes: "Enrollment command lifetime (minutes)",
} as const;
type RenewalValues = Record<keyof typeof RENEWAL_FIELDS, string>;

let original: RenewalValues | undefined;
let hostId = "";

async function readRenewalSettings(page: Page): Promise<RenewalValues> {
  await page.goto("/settings");
  const entries = await Promise.all(
    Object.entries(RENEWAL_FIELDS).map(async ([key, label]) => [key, await page.getByLabel(label).inputValue()]),
  );
  return Object.fromEntries(entries) as RenewalValues;
}

async function saveRenewalSettings(page: Page, values: Partial<RenewalValues>) {
  await page.goto("/settings");
  for (const [key, value] of Object.entries(values)) {
    await page.getByLabel(RENEWAL_FIELDS[key as keyof RenewalValues]).fill(value);
  }
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
}

/** A CA exists when the whole suite runs (issuing.spec.ts makes it); alone, this spec makes one. */
async function ensureCa(page: Page) {
  await page.goto("/ca");
  if (await page.getByText("No CA yet.").isVisible()) {
    await page.getByLabel("Common name").fill("renewal-ui CA");
    await page.getByRole("button", { name: "Create CA" }).click();
    await expect(page.getByTestId("ca-fingerprint-active")).toBeVisible();
  }
}

test.afterAll(async ({ browser }) => {
  if (!original) return;
  const page = await browser.newPage({ storageState: AUTH_FILE });
  await saveRenewalSettings(page, original);
  await page.close();
});

test("with no public URL, the host page says why renewal and enrollment are off", async ({ page }) => {
  await ensureCa(page);
  original = await readRenewalSettings(page);
  if (original.publicUrl !== "") await saveRenewalSettings(page, { publicUrl: "" });
  await page.goto("/settings");
  await expect(page.getByTestId("public-url-unset")).toContainText("bundles carry no renewal agent");

  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(HOST);
  await page.getByLabel("DNS names").fill("localhost");
  await page.getByLabel("IP addresses").fill("127.0.0.1");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: HOST })).toBeVisible();
  hostId = page.url().split("/").pop() as string;
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();

  const panel = page.getByTestId("renewal-panel");
  await expect(panel.getByTestId("renewal-state")).toContainText("off");
  await expect(panel.getByTestId("renewal-state")).toContainText("public URL is not set");
  await expect(panel.getByTestId("enroll-off")).toContainText("Enrollment is off");
  await expect(panel.getByTestId("enroll-off").getByRole("link", { name: "Set it in Settings" })).toHaveAttribute(
    "href",
    "/settings",
  );
  await expect(panel.getByRole("button", { name: /enrollment command/ })).toHaveCount(0);
  await expect(panel.getByTestId("agent-report")).toContainText("none yet");

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("renewal-overdue")).toHaveCount(0);
});

test("settings: the renewal group refuses bad values and round-trips every field", async ({ page, baseURL }) => {
  const caPem = (await (await page.request.get("/api/v1/ca.pem")).text()).match(
    /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/,
  )?.[0] as string;
  expect(caPem).toBeTruthy();

  await page.goto("/settings");
  await page.getByLabel(RENEWAL_FIELDS.publicUrl).fill("ftp://dockpki.example.com");
  await page.getByLabel(RENEWAL_FIELDS.renewAtRemainingPercent).fill("95");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Please correct the marked fields.")).toBeVisible();
  await expect(page.getByText("Enter the address hosts use to reach this dashboard")).toBeVisible();
  await expect(page.getByText("At most 90%.")).toBeVisible();
  expect((await readRenewalSettings(page)).publicUrl).toBe("");

  await saveRenewalSettings(page, {
    publicUrl: `${baseURL}/`,
    publicUrlCaPem: caPem,
    renewalServerCertDays: "21",
    renewalClientCertDays: "5",
    renewAtRemainingPercent: "40",
    enrollmentTokenMinutes: "30",
  });
  expect(await readRenewalSettings(page)).toEqual({
    publicUrl: baseURL, // the trailing slash is dropped
    publicUrlCaPem: caPem.trim(),
    renewalServerCertDays: "21",
    renewalClientCertDays: "5",
    renewAtRemainingPercent: "40",
    enrollmentTokenMinutes: "30",
  });
  await expect(page.getByTestId("public-url-unset")).toHaveCount(0);

  // Saving the form unchanged changes nothing, the CA's line breaks included.
  const before = await readRenewalSettings(page);
  await saveRenewalSettings(page, {});
  expect(await readRenewalSettings(page)).toEqual(before);
});

test("the host page makes a one-time enrollment command, shown only in the action's answer", async ({
  page,
  baseURL,
}) => {
  await page.goto(`/hosts/${hostId}`);
  const panel = page.getByTestId("renewal-panel");
  await expect(panel.getByTestId("renewal-state")).toContainText("on");
  await expect(panel.getByTestId("renewal-due")).toContainText(
    /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(in \d+ (days|months?)\)/,
  );
  await expect(panel).toContainText("none: once a day, at a random time");
  // A host that renews itself gets the renewal lifetime by default.
  await expect(page.getByLabel("Validity (days)")).toHaveValue("21");

  const started = Date.now();
  await panel.getByRole("button", { name: "Make an enrollment command" }).click();
  await expect(panel.getByText("Enrollment command made.")).toBeVisible();
  const command = (await panel.getByTestId("enroll-command").textContent()) as string;
  const escaped = (baseURL as string).replaceAll(".", "\\.");
  expect(command).toMatch(new RegExp(`^curl -fsSL '${escaped}/enroll/[A-Za-z0-9_-]{43}' \\| sudo sh$`));
  const expiry = (await panel.getByTestId("enroll-expiry").textContent()) as string;
  const until = expiry.match(/^Works once, until (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC\.$/);
  expect(until, expiry).not.toBeNull();
  const expiresAt = Date.parse(`${until?.[1]}T${until?.[2]}:00Z`);
  expect(Math.abs(expiresAt - (started + 30 * 60_000))).toBeLessThan(2 * 60_000);

  // On a phone the command wraps inside its own box and nothing in the panel scrolls sideways. The
  // panel is measured at a phone's width by itself: the dashboard's shell around it is not at issue.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await panel.evaluate((el) => {
    el.style.width = "350px";
    const wide = [el, ...el.querySelectorAll("*")].filter((e) => e.scrollWidth > e.clientWidth + 1);
    el.style.width = "";
    return wide.map((e) => e.outerHTML.slice(0, 80));
  });
  expect(overflow).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });

  // The token is in no page the dashboard serves afterwards.
  const token = command.match(/\/enroll\/([A-Za-z0-9_-]{43})'/)?.[1] as string;
  await page.reload();
  expect(await page.content()).not.toContain(token);
  await expect(page.getByTestId("enroll-command")).toHaveCount(0);

  await page.goto("/");
  await expect(page.getByTestId("renewal-overdue")).toBeVisible();
});

test("the agent's reports: a failure with its message, then serving the current certificate", async ({
  page,
  playwright,
  baseURL,
}) => {
  await page.goto(`/hosts/${hostId}`);
  const certLink = page.locator("table a[href^='/certificates/']").first();
  const serial = ((await certLink.textContent()) as string).trim();
  const certId = (await certLink.getAttribute("href"))?.split("/").pop() as string;
  const zip = await page.request.get(`/api/v1/certificates/${certId}/bundle.zip`);
  expect(zip.status()).toBe(200);
  const files = await unzip(await zip.body());
  const keyPem = [...files].find(([name]) => name.endsWith("/key.pem"))?.[1].content as string;
  expect(keyPem).toContain("PRIVATE KEY");

  // Signed the way lib/renewal/PROTOCOL.md says the agent signs, with no session.
  const agent = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const report = async (outcome: "ok" | "failed", servedSerial: string, message: string) => {
    const time = Math.floor(Date.now() / 1000);
    const digest = createHash("sha256").update(message).digest("hex");
    const canonical = `dockpki-report-v1\n${serial}\n${time}\n${outcome}\n${servedSerial}\n${digest}`;
    const signature = sign("sha256", Buffer.from(canonical), createPrivateKey(keyPem)).toString("base64");
    const res = await agent.post("/api/v1/renew/report", {
      data: { serial, time, outcome, servedSerial, message, signature },
    });
    expect(res.status(), await res.text()).toBe(204);
  };
  const oldSerial = "ab".repeat(16);
  await report("failed", oldSerial, "the dashboard refused the renewal: clock skew");

  await page.reload();
  const panel = page.getByTestId("renewal-panel");
  await expect(panel.getByTestId("agent-report")).toContainText("failed");
  await expect(panel.getByTestId("agent-report")).toContainText(serial);
  await expect(panel.getByTestId("agent-report")).toContainText("the dashboard refused the renewal: clock skew");
  await expect(panel.getByTestId("agent-serving")).toContainText(`still on serial ${oldSerial}`);
  await page.getByTestId("renewal-panel").screenshot({ path: "public/screenshot-renewal.png" });
  await page.goto(`/hosts?q=${encodeURIComponent(HOST)}`);
  await expect(page.getByRole("row").filter({ hasText: HOST })).toContainText("renewal failed");

  await report("ok", serial, "");
  await page.goto(`/hosts/${hostId}`);
  await expect(panel.getByTestId("agent-report")).toContainText("ok");
  await expect(panel.getByTestId("agent-serving")).toHaveText("the current certificate");
  await page.goto(`/hosts?q=${encodeURIComponent(HOST)}`);
  await expect(page.getByRole("row").filter({ hasText: HOST })).not.toContainText("renewal failed");
  await agent.dispose();
});

test("a client: the command runs without sudo, and once revoked the page says when it stops working", async ({
  page,
}) => {
  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill(CLIENT);
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByRole("heading", { name: CLIENT })).toBeVisible();
  const panel = page.getByTestId("renewal-panel");
  await expect(panel).not.toContainText("Maintenance window");
  await panel.getByRole("button", { name: "Make an enrollment command" }).click();
  await expect(panel.getByTestId("enroll-command")).toHaveText(/^curl -fsSL '.*\/enroll\/[A-Za-z0-9_-]{43}' \| sh$/);

  await expect(page.getByLabel("Validity (days)")).toHaveValue("5");
  await page.getByLabel("Validity (days)").fill("3");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  await expect(page.getByTestId("revoked-until")).toHaveCount(0);
  const clientUrl = page.url();
  await page.locator("table a[href^='/certificates/']").first().click();
  await page.getByRole("button", { name: "Revoke" }).click();
  await confirmDialog(page, "Revoke certificate");
  await expect(page.getByText(/ on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC, /)).toBeVisible();

  await page.goto(clientUrl);
  await expect(page.getByTestId("revoked-until")).toHaveText(
    /^Revoked: it can no longer renew; its certificate expires in 3 days \(\d{4}-\d{2}-\d{2}\)\. Until then dockerd still accepts it/,
  );
  await expect(panel.getByTestId("renewal-due")).toContainText("no valid certificate");
});
