import { expect, test as setup } from "@playwright/test";
import { ADMIN, AUTH_FILE } from "./helpers";

setup("first run leads to setup, which refuses bad input and creates the first admin", async ({ page }) => {
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await expect(page.getByLabel("Username")).toBeFocused();

  // Bad input: a message next to each field, and no admin is created.
  await page.getByLabel("Username").fill("   ");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat password").fill("short");
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page.getByText("Enter a username.")).toBeVisible();
  await expect(page.getByText("A password needs at least 12 characters.")).toBeVisible();

  await page.getByLabel("Username").fill("x".repeat(65));
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat password").fill(`${ADMIN.password}!`);
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page.getByText("A username is at most 64 characters.")).toBeVisible();
  await expect(page.getByText("The two passwords differ.")).toBeVisible();
  // Each error belongs to its own field, under an id of its own, and focus goes to the first.
  await expect(page.getByLabel("Username")).toBeFocused();
  await expect(page.getByLabel("Username")).toHaveAccessibleDescription(/A username is at most 64 characters\./);
  await expect(page.getByLabel("Repeat password")).toHaveAccessibleDescription(/The two passwords differ\./);
  const ids = await page.locator("[id]").evaluateAll((els) => els.map((e) => e.id));
  expect(ids.length, `repeated ids: ${ids.filter((id, i) => ids.indexOf(id) !== i)}`).toBe(new Set(ids).size);
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // Setup is closed for good once an admin exists.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);

  await page.context().storageState({ path: AUTH_FILE });
});
