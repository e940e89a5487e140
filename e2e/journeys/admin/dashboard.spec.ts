/**
 * Governing: the admin's dashboard moves live while a payment happens elsewhere (live activity feed and
 * the payments figure), and the audit log shows that payment's events, filtered by its id.
 */

import { str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { adminAccount, api, freshPair, signIn } from "../../support/journeys.ts";

test("the dashboard moves live and the audit log records the payment", async ({ page }) => {
  test.setTimeout(90_000);
  const { customer, vendor } = await freshPair();
  await signIn(page, adminAccount());
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const paymentsStat = page
    .locator(".ui-stat")
    .filter({ hasText: /^Payments\d/ })
    .locator(".ui-stat__value");
  await expect(paymentsStat).toBeVisible();
  const before = Number((await paymentsStat.textContent())?.replace(/\D/g, "") ?? "0");

  // 31.17 is a distinctive amount to spot in the feed.
  const id = str(await api.pay(customer.token, vendor.id, 3_117), "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);

  const feed = page.getByRole("region", { name: "Live activity" });
  await expect(feed.getByText(/Payment \$31\.17 succeeded/).first()).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(async () => Number((await paymentsStat.textContent())?.replace(/\D/g, "") ?? "0"), {
      timeout: 20_000,
    })
    .toBeGreaterThan(before);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const filters = page.getByRole("form", { name: "Filter the audit log" });
  await filters.getByLabel("Subject").fill(id);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const rows = page.getByRole("row").filter({ hasText: id });
  await expect(rows.filter({ hasText: "payment.created" })).toHaveCount(1, { timeout: 15_000 });
  await expect(rows.filter({ hasText: "payment.succeeded" })).toHaveCount(1, { timeout: 15_000 });
});

test("a customer is shown that the admin pages are not for them", async ({ page }) => {
  const { customer } = await freshPair();
  await signIn(page, customer);
  await page.goto("/admin");
  await expect(page.getByText("This page is not for your account")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toHaveCount(0);
});
