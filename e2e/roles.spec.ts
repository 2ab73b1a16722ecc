import { type Browser, expect, type Page, test } from "@playwright/test";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";
import { confirmDialog } from "./helpers-dialog";

// Each role in the browser, on a dashboard of its own: what an operator and an auditor see and may
// do, what is refused and how it is said, a role change taking effect at once, and an account
// changing its own password and sessions.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);
test.use({ storageState: { cookies: [], origins: [] } });

const PASSWORD = "a long enough password here";
let dash: OwnDashboard;
let hostId: string;

async function signIn(browser: Browser, username: string, password = PASSWORD): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`${dash.base}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

test.beforeAll(async () => {
  dash = await startOwnDashboard("roles");
  dash.cli(["ca", "create", "--cn", "Roles CA"]);
  dash.cli(["admin", "create", "--username", "olga", "--role", "operator", "--password-stdin"], PASSWORD);
  dash.cli(["admin", "create", "--username", "aldo", "--role", "auditor", "--password-stdin"], PASSWORD);
  dash.cli(["admin", "create", "--username", "audra", "--role", "auditor", "--password-stdin"], PASSWORD);
  const host = await dash.api.post("/api/v1/hosts", {
    data: { name: "docker-r", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] },
  });
  hostId = (await host.json()).id;
  expect((await dash.api.post(`/api/v1/hosts/${hostId}/certificates`, { data: {} })).status()).toBe(201);
});

test.afterAll(async () => {
  await dash?.stop();
});

test("an auditor reads everything, is never handed a key, and is told why where a form would be", async ({
  browser,
}) => {
  const page = await signIn(browser, "aldo");
  await expect(page.getByTestId("role-badge").first()).toHaveText("auditor");
  await page.goto(`${dash.base}/hosts`);
  await expect(page.getByRole("link", { name: "docker-r" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add host" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Bulk actions" })).toHaveCount(0);

  await page.goto(`${dash.base}/hosts/${hostId}`);
  await expect(page.getByTestId("install-card")).toBeVisible();
  await expect(page.getByRole("link", { name: "Download server bundle" })).toHaveCount(0);
  await expect(page.getByTestId("install-card").getByTestId("role-note")).toHaveText(
    "Downloading a bundle with its private key needs the operator or admin role; you are an auditor.",
  );
  await expect(page.getByRole("heading", { name: "Edit host" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Check now" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Issue (a new )?certificate/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete host" })).toHaveCount(0);

  // The link is gone, and the route refuses the session too, with the role that would do.
  const cert = (await (await dash.api.get(`/api/v1/hosts/${hostId}/certificates`)).json()).certificates[0];
  const refused = await page.request.get(`${dash.base}/api/v1/certificates/${cert.id}/bundle.zip`);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.requiredRole).toBe("operator");
  await page.goto(`${dash.base}/certificates/${cert.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "its host" })).toHaveAttribute("href", `/hosts/${hostId}`);
  await expect(page.getByRole("button", { name: "Revoke", exact: true })).toHaveCount(0);
  await expect(page.getByTestId("p12-download")).toHaveCount(0);

  await page.goto(`${dash.base}/ca`);
  await expect(page.getByTestId("role-note").first()).toHaveText(
    "Changing the CA needs the admin role; you are an auditor.",
  );
  await expect(page.getByRole("button", { name: /Create the successor CA/ })).toHaveCount(0);

  await page.goto(`${dash.base}/settings`);
  await expect(page.getByTestId("settings-read-only")).toContainText("needs the admin role; you are an auditor.");
  await expect(page.getByRole("button", { name: "Save settings" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Admins" })).toHaveCount(0);

  await page.goto(`${dash.base}/audit`);
  await expect(page.getByText(/issued a server certificate for docker-r/).first()).toBeVisible();
  await page.context().close();
});

test("an operator adds a host, issues and downloads, and may not touch the CA or settings", async ({ browser }) => {
  const page = await signIn(browser, "olga");
  await expect(page.getByTestId("role-badge").first()).toHaveText("operator");
  await page.goto(`${dash.base}/hosts/new`);
  await page.getByLabel("Name", { exact: true }).fill("docker-op");
  await page.getByLabel("DNS names").fill("localhost");
  await page.getByLabel("IP addresses").fill("127.0.0.1");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: "docker-op" })).toBeVisible();
  await page.getByRole("button", { name: "Issue certificate" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download server bundle" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/docker-op.*\.zip$/);

  // Revoking is an operator's job too, through the same dialog and notice as an admin's.
  await page.locator("table a[href^='/certificates/']").first().click();
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await confirmDialog(page, "Revoke certificate");
  await expect(page.getByTestId("flash")).toHaveText(/^Certificate [0-9a-f]{12}… revoked and the CRL re-signed\.$/);
  await page.goto(`${dash.base}/hosts`);
  await expect(page.getByRole("region", { name: "Bulk actions" })).toBeVisible();

  await page.goto(`${dash.base}/ca`);
  await expect(page.getByTestId("role-note").first()).toHaveText(
    "Changing the CA needs the admin role; you are an operator.",
  );
  await page.goto(`${dash.base}/settings`);
  await expect(page.getByTestId("settings-read-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Admins" })).toHaveCount(0);
  const audit = await dash.api.get("/api/v1/audit.json?q=docker-op");
  expect(JSON.stringify(await audit.json())).toContain("admin:olga");
  await page.context().close();
});

test("an action posted by a role that may not use it is refused by the server, and nothing changes", async ({
  browser,
}) => {
  // The auditor's page has no Issue button; the request an admin's button would send is replayed
  // with the auditor's session, as a hand-made request would be.
  const admin = await signIn(browser, "roles-admin");
  await admin.goto(`${dash.base}/hosts/${hostId}`);
  let captured: { headers: Record<string, string>; body: Buffer } | undefined;
  await admin.route(`${dash.base}/hosts/${hostId}`, async (route) => {
    const req = route.request();
    if (req.method() !== "POST" || !req.headers()["next-action"]) return route.continue();
    captured = { headers: req.headers(), body: req.postDataBuffer() ?? Buffer.alloc(0) };
    return route.abort();
  });
  await admin.getByRole("button", { name: /^Issue a new certificate/ }).click();
  await expect.poll(() => captured !== undefined).toBe(true);
  const count = async () =>
    (await (await dash.api.get(`/api/v1/hosts/${hostId}/certificates`)).json()).certificates.length;
  const before = await count();

  const auditor = await signIn(browser, "audra");
  const { headers, body } = captured as NonNullable<typeof captured>;
  const answer = await auditor.request.post(`${dash.base}/hosts/${hostId}`, {
    headers: {
      "content-type": headers["content-type"],
      "next-action": headers["next-action"],
      "next-router-state-tree": headers["next-router-state-tree"] ?? "",
      accept: "text/x-component",
      origin: dash.base,
    },
    data: body,
  });
  expect(answer.status()).toBe(200);
  expect(await answer.text()).toContain("Issuing certificates needs the operator or admin role; you are an auditor.");
  expect(await count()).toBe(before);
  await admin.context().close();
  await auditor.context().close();
});

test("an admin changes a role in Settings and it applies on the next page", async ({ browser }) => {
  const aldo = await signIn(browser, "aldo");
  const admin = await signIn(browser, "roles-admin");
  await admin.goto(`${dash.base}/settings`);
  await admin.getByLabel("Role of aldo").selectOption("operator");
  await admin.getByLabel("Role of aldo").locator("..").getByRole("button", { name: "Change" }).click();
  await expect(admin.getByText("Role changed to operator.")).toBeVisible();
  await aldo.goto(`${dash.base}/hosts/new`);
  await expect(aldo.getByTestId("role-badge").first()).toHaveText("operator");
  await expect(aldo.getByRole("button", { name: "Add host" })).toBeVisible();
  // The last admin cannot be demoted: the refusal is a sentence next to the control.
  await admin.getByLabel("Role of roles-admin").selectOption("auditor");
  await admin.getByLabel("Role of roles-admin").locator("..").getByRole("button", { name: "Change" }).click();
  await expect(admin.getByText(/dockpki needs at least one admin/)).toBeVisible();
  await aldo.context().close();
  await admin.context().close();
});

test("your account: a new password needs the current one and ends your other sessions, not this one", async ({
  browser,
}) => {
  const laptop = await signIn(browser, "olga");
  const phone = await signIn(browser, "olga");
  await laptop
    .getByRole("link", { name: /Your account: olga, operator/ })
    .first()
    .click();
  await expect(laptop.getByRole("heading", { name: "Your account" })).toBeVisible();
  expect(await laptop.getByTestId("session-row").count()).toBeGreaterThanOrEqual(2);
  await laptop.getByLabel("Current password").fill("not the password");
  await laptop.getByLabel("New password", { exact: true }).fill("olga's brand new password");
  await laptop.getByLabel("New password again").fill("olga's brand new password");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.locator("#current-password-error")).toHaveText("That is not your current password.");
  await expect(laptop.getByLabel("Current password")).toHaveAttribute("aria-describedby", "current-password-error");
  await expect(laptop.getByLabel("Current password")).toBeFocused();
  await laptop.getByLabel("Current password").fill(PASSWORD);
  await laptop.getByLabel("New password", { exact: true }).fill("olga's brand new password");
  await laptop.getByLabel("New password again").fill("olga's brand new password");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.getByText(/Password changed\. \d+ other sessions? ended\./)).toBeVisible();
  await laptop.reload();
  await expect(laptop.getByTestId("session-row")).toHaveCount(1);
  await phone.goto(`${dash.base}/hosts`);
  await expect(phone).toHaveURL(/\/login/);

  // One session ended from the list, by its End button: the notice says so and that browser is out.
  const tablet = await signIn(browser, "olga", "olga's brand new password");
  await laptop.reload();
  await expect(laptop.getByTestId("session-row")).toHaveCount(2);
  await laptop.getByTestId("session-row").getByRole("button", { name: "End" }).click();
  await confirmDialog(laptop, "End");
  await expect(laptop.getByTestId("flash")).toHaveText("Session ended.");
  await expect(laptop.getByTestId("session-row")).toHaveCount(1);
  await tablet.goto(`${dash.base}/hosts`);
  await expect(tablet).toHaveURL(/\/login/);
  await laptop.context().close();
  await phone.context().close();
  await tablet.context().close();
});

test("removing an admin and revoking a token say so in the page's notice, naming them", async ({ browser }) => {
  dash.cli(["admin", "create", "--username", "leaver", "--role", "operator", "--password-stdin"], PASSWORD);
  dash.cli(["token", "create", "--name", "to-revoke", "--role", "auditor"]);
  const admin = await signIn(browser, "roles-admin");
  await admin.goto(`${dash.base}/settings`);
  await admin
    .getByRole("row", { name: /leaver/ })
    .getByRole("button", { name: "Remove" })
    .click();
  expect(await confirmDialog(admin, "Remove")).toBe("Remove admin leaver?");
  await expect(admin.getByTestId("flash")).toHaveText(
    "Admin leaver removed; their sessions ended and their API tokens were revoked.",
  );
  await expect(admin.getByRole("row", { name: /leaver/ })).toHaveCount(0);
  await admin
    .getByRole("row", { name: /to-revoke/ })
    .getByRole("button", { name: "Revoke" })
    .click();
  expect(await confirmDialog(admin, "Revoke")).toBe("Revoke token to-revoke?");
  await expect(admin.getByTestId("flash")).toHaveText("Token to-revoke revoked.");
  await expect(admin.getByRole("row", { name: /to-revoke/ }).getByText("revoked", { exact: true })).toBeVisible();
  await admin.context().close();
});
