import { expect, type Page } from "@playwright/test";

/**
 * Goes through the confirmation dialog that the button just clicked opened: types `typed` when
 * asked to, presses `confirmLabel`, and answers the dialog's title.
 */
export async function confirmDialog(page: Page, confirmLabel: string | RegExp, typed?: string): Promise<string> {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const title = (await dialog.getByRole("heading").first().textContent()) ?? "";
  if (typed !== undefined) await dialog.getByRole("textbox").fill(typed);
  await dialog.getByRole("button", { name: confirmLabel, exact: typeof confirmLabel === "string" }).click();
  await expect(dialog).toBeHidden();
  return title;
}
