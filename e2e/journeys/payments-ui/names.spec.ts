/**
 * Names, not ids (issue 18): a customer and a vendor see each other by name on the list and on the detail
 * page; the payment id shows only as the copyable reference; a payment without description is listed by
 * amount and counterparty; lists are newest first.
 */
import { expect, test } from "../../support/fixtures.ts";
import { freshPair, newContext, signIn, uniqueWord } from "../../support/journeys.ts";
import { paySettled } from "./support.ts";

test("customer and vendor see each other by name, newest first, ids only as the reference", async ({
  page,
  context,
  browser,
}, info) => {
  const { customer, vendor } = await freshPair();
  const first = await paySettled(customer.token, vendor.id, 1_500, uniqueWord("first"));
  const second = await paySettled(customer.token, vendor.id, 2_250, null);
  const third = await paySettled(customer.token, vendor.id, 990, uniqueWord("third"));

  await signIn(page, customer);
  const table = page.getByRole("table", { name: /Payments/ });
  await expect(table.getByRole("columnheader", { name: "To" })).toBeVisible();
  const rows = table.getByRole("row");
  // Header row, then newest first.
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1)).toContainText(third.description ?? "");
  await expect(rows.nth(2)).toContainText(`$22.50 to ${vendor.name}`);
  await expect(rows.nth(3)).toContainText(first.description ?? "");
  for (const i of [1, 2, 3]) await expect(rows.nth(i)).toContainText(vendor.name);
  await expect(table).not.toContainText("usr_");
  await expect(table).not.toContainText("pay_");

  await rows.nth(2).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/payments/${second.id}$`));
  await expect(page.getByRole("heading", { name: `$22.50 to ${vendor.name}` })).toBeVisible();
  const details = page.getByRole("region", { name: "Details" });
  await expect(details.locator("dd").nth(2)).toHaveText(`${customer.name} (you)`);
  await expect(details.locator("dd").nth(3)).toHaveText(vendor.name);
  await expect(details).not.toContainText("usr_");
  await expect(details.getByText(second.id, { exact: true })).toBeVisible();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await details.getByRole("button", { name: "Copy the payment reference" }).click();
  await expect(details.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(second.id);
  await expect(page.getByRole("region", { name: "History" })).toContainText("Succeeded");

  // The vendor, on a browser of their own: who paid, by name.
  const vendorContext = await newContext(browser, info);
  try {
    const vendorPage = await vendorContext.newPage();
    await signIn(vendorPage, vendor);
    const received = vendorPage.getByRole("table", { name: /Payments/ });
    await expect(received.getByRole("columnheader", { name: "From" })).toBeVisible();
    await expect(received.getByRole("row").nth(2)).toContainText(`$22.50 from ${customer.name}`);
    await expect(received.getByRole("row").filter({ hasText: customer.name })).toHaveCount(3);
    await received.getByRole("link", { name: third.description ?? "" }).click();
    await expect(vendorPage.getByRole("heading", { name: `$9.90 from ${customer.name}` })).toBeVisible();
    await expect(vendorPage.getByRole("region", { name: "Details" })).toContainText(`${vendor.name} (you)`);
  } finally {
    await vendorContext.close();
  }
});

test("a failed payment reads as failed, with the reason in the product's words", async ({ page }) => {
  const { customer, vendor } = await freshPair();
  const failed = await paySettled(customer.token, vendor.id, 1_002, uniqueWord("declined"));
  await signIn(page, customer);
  await page.goto(`/payments/${failed.id}`);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("This payment failed");
  await expect(alert).toContainText("The payment processor declined this payment. No money was taken.");
  await expect(page.locator("dd").filter({ hasText: "Failed" })).toBeVisible();
  await expect(page.getByText("Payment created")).toHaveCount(0);
  await expect(page.getByText(/card/i)).toHaveCount(0);
  await expect(page.getByRole("region", { name: "History" })).toContainText(
    "Failed: declined by the payment processor",
  );
});

test("a new customer is welcomed with a first step, not told that filters match nothing", async ({
  page,
}) => {
  const { customer } = await freshPair();
  await signIn(page, customer);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await expect(page.getByText("No payments match these filters.")).toHaveCount(0);
  await page.locator(".ui-empty").getByRole("link", { name: "New payment" }).click();
  await expect(page).toHaveURL(/\/payments\/new$/);
  // A negative amount is refused in words that say what is wrong with it.
  const form = page.getByRole("form", { name: "New payment" });
  await form.getByLabel(/^Amount/).fill("-5");
  await form.getByRole("button", { name: "Pay" }).click();
  await expect(form.getByText("The amount must be more than zero.")).toBeVisible();
});
