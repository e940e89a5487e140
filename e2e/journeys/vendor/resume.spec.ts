/**
 * A returning vendor with the browser state saved at setup is signed in without the form: the shell trades
 * the HttpOnly refresh cookie for a new access token on load (the one use a saved state allows).
 */
import { expect, test } from "../../support/fixtures.ts";
import { setupUsers, storageStateFile } from "../../support/journeys.ts";

test.use({ storageState: storageStateFile("vendor") });

test("a returning vendor is signed in from the saved session", async ({ page }) => {
  const user = setupUsers().vendor;
  await page.goto("/");
  await expect(page).toHaveURL(/\/payments$/);
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(user.name);
});
