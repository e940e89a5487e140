/**
 * The customer → vendor live journey against the container stack, in Chromium through its Caddy: the
 * vendor's payments page is open while the customer pays through the form; the payment arrives on the
 * vendor's page without a reload (WebSocket through Caddy, to whichever gateway it balanced to).
 */
import { expect, test } from "@playwright/test";
import { fillPayment, newContext, signIn, uniqueWord } from "../support/journeys.ts";
import { payeeKnown, register } from "./stack.ts";

test("the vendor's open page shows the customer's payment arrive live", async ({ browser, page }, info) => {
  const customer = await register("customer", "buyer");
  const vendor = await register("vendor", "shop");
  await payeeKnown(customer, vendor);
  const vendorContext = await newContext(browser, info);
  const vendorPage = await vendorContext.newPage();
  try {
    await signIn(vendorPage, { ...vendor, role: "vendor" });
    await expect(vendorPage.getByRole("heading", { name: /Payments/ })).toBeVisible();
    const description = uniqueWord("order");

    await signIn(page, { ...customer, role: "customer" });
    await fillPayment(page, vendor.label, "12.34", description);
    await page.getByRole("form", { name: "New payment" }).getByRole("button", { name: "Pay" }).click();
    await expect(page).toHaveURL(/\/payments\/pay_/);
    await expect(page.locator("dd").filter({ hasText: "Succeeded" })).toBeVisible({ timeout: 30_000 });

    const row = vendorPage.getByRole("row").filter({ hasText: description });
    await expect(row).toBeVisible({ timeout: 30_000 });
    await expect(row).toContainText("$12.34");
    await expect(row).toContainText("Succeeded", { timeout: 30_000 });
  } finally {
    await vendorContext.close();
  }
});
