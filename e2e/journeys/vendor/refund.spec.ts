/**
 * Refunding: the vendor opens a payment they received and refunds part of it, then the rest; the page
 * shows each refund and the new status, and the record agrees (minor units, sum of refunds ≤ amount).
 */
import { asRecord, str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, freshPair, signIn } from "../../support/journeys.ts";

test("a vendor refunds part of a payment and sees it partially refunded", async ({ page }) => {
  const { customer, vendor } = await freshPair();
  const payment = await api.pay(customer.token, vendor.id, 2_500);
  const id = str(payment, "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);

  await signIn(page, vendor);
  await page.goto(`/payments/${id}`);
  const form = page.getByRole("form", { name: "Refund" });
  await expect(form.getByLabel(/^Amount to refund/)).toHaveValue("25.00");
  await form.getByLabel(/^Amount to refund/).fill("5.00");
  await form.getByLabel("Reason (optional)").fill("one item returned");
  await form.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Refund requested" })).toBeVisible();
  await expect(page.locator("dd").filter({ hasText: "Partially refunded" })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator("dd").filter({ hasText: "$5.00" })).toBeVisible();

  const { token } = await api.login(vendor);
  const record = asRecord((await api.call("GET", `/api/payments/${id}`, { token })).json);
  expect(record).toMatchObject({ amount: 2_500, amount_refunded: 500, status: "partially_refunded" });
});

test("a vendor refunds the rest after a partial refund: fully refunded, nothing left to refund", async ({
  page,
}) => {
  const { customer, vendor } = await freshPair();
  const id = str(await api.pay(customer.token, vendor.id, 4_000), "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);

  await signIn(page, vendor);
  await page.goto(`/payments/${id}`);
  const form = page.getByRole("form", { name: "Refund" });
  await form.getByLabel(/^Amount to refund/).fill("15.00");
  await form.getByRole("button", { name: "Refund" }).click();
  await expect(page.locator("dd").filter({ hasText: "Partially refunded" })).toBeVisible({ timeout: 15_000 });
  // The form now offers exactly what is left, and taking it all refunds the payment fully.
  await expect(form.getByLabel(/^Amount to refund/)).toHaveValue("25.00");
  await form.getByLabel("Reason (optional)").fill("order canceled");
  await form.getByRole("button", { name: "Refund" }).click();
  await expect(page.locator("dd").filter({ hasText: /^Refunded$/ })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator("dd").filter({ hasText: "$40.00" })).toHaveCount(2); // amount and refunded
  await expect(page.getByRole("form", { name: "Refund" })).toHaveCount(0);

  const { token } = await api.login(vendor);
  const record = asRecord((await api.call("GET", `/api/payments/${id}`, { token })).json);
  expect(record).toMatchObject({ amount: 4_000, amount_refunded: 4_000, status: "refunded" });
});

test("the customer cannot refund their own payment: the page offers no refund", async ({ page }) => {
  const { customer, vendor } = await freshPair();
  const id = str(await api.pay(customer.token, vendor.id, 1_000), "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);
  await signIn(page, customer);
  await page.goto(`/payments/${id}`);
  await expect(page.locator("dd").filter({ hasText: "Succeeded" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Refund" })).toHaveCount(0);
});
