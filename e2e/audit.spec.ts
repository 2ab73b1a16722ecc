import { expect, test } from "@playwright/test";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";

// The audit log in words, on a dashboard of this spec's own: the suite's shared one must still
// have no CA when issuing.spec.ts starts.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

let dash: OwnDashboard;

test.beforeAll(async () => {
  // A server start, a CA and an issuance on a machine shared with other builds.
  test.setTimeout(180_000);
  dash = await startOwnDashboard("audit");
  const ca = await dash.api.post("/api/v1/ca", { data: { commonName: "Audit E2E CA", keySize: 2048 } });
  expect(ca.status(), await ca.text()).toBe(201);
  expect((await dash.api.patch("/api/v1/settings", { data: { leafKeySize: 2048 } })).status()).toBe(200);
  const client = await dash.api.post("/api/v1/clients", { data: { name: "audit-ci" } });
  expect(client.status(), await client.text()).toBe(201);
  const cert = await dash.api.post(`/api/v1/clients/${(await client.json()).id}/certificates`, { data: {} });
  expect(cert.status(), await cert.text()).toBe(201);
});

test.afterAll(async () => {
  await dash?.stop();
});

test("the audit log tells what happened in words, links it, expands its JSON and searches", async ({ page }) => {
  await page.goto(`${dash.base}/login`);
  await page.getByLabel("Username").fill("audit-admin");
  await page.getByLabel("Password").fill("a long enough password here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);

  // A host whose certificate's common name (localhost) is not its name: the sentence names the host.
  await page.goto(`${dash.base}/hosts/new`);
  await page.getByLabel("Name", { exact: true }).fill("audit-host");
  await page.getByLabel("DNS names").fill("localhost");
  await page.getByLabel("IP addresses").fill("127.0.0.1");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: "audit-host" })).toBeVisible();
  const hostPath = new URL(page.url()).pathname;
  await page.getByRole("button", { name: /Issue certificate|Issue a new certificate/ }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();

  await page.goto(`${dash.base}/audit`);
  const events = page.getByRole("region", { name: "Audit events" });
  await expect(events).toHaveAttribute("tabindex", "0");
  for (const th of await events.locator("th").all()) await expect(th).not.toHaveText("");
  const issued = events.locator("tr", { hasText: "audit-admin issued a server certificate for audit-host" });
  await expect(issued).toHaveCount(1);
  await expect(issued.getByRole("link", { name: "audit-host" })).toHaveAttribute("href", hostPath);
  await expect(issued.getByRole("link", { name: /^certificate [0-9a-f]{6}…$/ })).toBeVisible();
  const when = issued.locator("time");
  await expect(when).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(await when.getAttribute("title")).toBe(await when.getAttribute("datetime"));
  expect(await when.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe("nowrap");

  const json = issued.locator("details pre");
  await expect(json).toBeHidden();
  await issued.getByText("cert.issue details").click();
  await expect(json).toBeVisible();
  await expect(json).toContainText('"kind": "server"');

  await expect(page.getByLabel("From")).toHaveAttribute("type", "date");
  await expect(page.getByLabel("To", { exact: true })).toHaveAttribute("type", "date");
  await expect(page.locator("label", { hasText: /^From$/ })).toBeVisible();
  await expect(page.locator("label", { hasText: /^To$/ })).toBeVisible();

  await expect(events.getByText("token audit-e2e issued a client certificate for audit-ci")).toBeVisible();
  await page.getByLabel("Search").fill("audit-ci");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/[?&]q=audit-ci/);
  await expect(events.getByText("token audit-e2e issued a client certificate for audit-ci")).toBeVisible();
  await expect(events.getByText("audit-admin issued a server certificate for audit-host")).toHaveCount(0);
  await expect(events.getByText("audit-admin signed in")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Export JSON" })).toHaveAttribute("href", /[?&]q=audit-ci/);

  // The same search over the API, and a word of the sentences ("issued") with it.
  const exported = (await (await dash.api.get("/api/v1/audit.json?q=issued+audit-ci")).json()) as {
    action: string;
    target: string;
  }[];
  expect(exported.map((e) => [e.action, e.target])).toEqual([["cert.issue", "audit-ci"]]);
});
