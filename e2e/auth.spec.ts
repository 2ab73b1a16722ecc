import { expect, test } from "@playwright/test";
import { ADMIN } from "./helpers";

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a protected page redirects to sign-in", async ({ page }) => {
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test("a forged session cookie gets no further than no cookie", async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "dockpki_session", value: "forged-session-token", url: baseURL as string }]);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("sign in, see the dashboard, sign out ends the session on the server", async ({ page, context }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByText(`Signed in as ${ADMIN.username}`)).toBeVisible();

    const session = (await context.cookies()).find((c) => c.name === "dockpki_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);

    // Replaying the old cookie must not work: the session is gone on the server.
    await context.addCookies([{ ...(session as NonNullable<typeof session>) }]);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("empty fields get a message and no sign-in attempt", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter your username.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
  });
});

test("a wrong password is refused, and repeated failures lock the account", async ({ page, browser }) => {
  // A separate admin, so locking it does not lock the suite's own account.
  await page.goto("/settings");
  await page.getByLabel("Username").fill("locked-out");
  await page.getByLabel("Password").first().fill("another long password");
  await page.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByText("locked-out added as operator.")).toBeVisible();

  const anon = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const p = await anon.newPage();
  await p.goto("/login");
  for (let i = 0; i < 5; i++) {
    await p.getByLabel("Username").fill("locked-out");
    await p.getByLabel("Password").fill(`wrong password ${i}`);
    await Promise.all([
      p.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/login")),
      p.getByRole("button", { name: "Sign in" }).click(),
    ]);
    // The refusal is rendered, and React has reset the form after its action, once the password is
    // empty again: the alert alone may still be the last attempt's, and a password typed before the
    // reset would be cleared by it.
    await expect(p.getByLabel("Password")).toHaveValue("");
    await expect(
      p.getByRole("alert").filter({ hasText: /Unknown username or wrong password|Too many failed/ }),
    ).toBeVisible();
    // A failed attempt keeps the username, so retyping the password is enough.
    await expect(p.getByLabel("Username")).toHaveValue("locked-out");
  }
  // Locked now: even the right password is refused until the lock ends.
  await p.getByLabel("Username").fill("locked-out");
  await p.getByLabel("Password").fill("another long password");
  await p.getByRole("button", { name: "Sign in" }).click();
  await expect(p.getByText(/Too many failed sign-ins\. Try again in \d+ minutes?\./)).toBeVisible();
  await expect(p).toHaveURL(/\/login$/);
  await anon.close();
});
