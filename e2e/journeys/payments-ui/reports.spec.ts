/**
 * The reports page (issue 18): a customer's and a vendor's totals and payments per day, with a chart that
 * loads with the page (its library is a chunk of its own, not part of the first load).
 */
import { expect, test } from "../../support/fixtures.ts";
import { freshPair, newContext, signIn, uniqueWord } from "../../support/journeys.ts";
import { paySettled } from "./support.ts";

test("customer and vendor read today's payments on the reports page, with a chart", async ({
  page,
  browser,
}, info) => {
  const { customer, vendor } = await freshPair();
  await paySettled(customer.token, vendor.id, 2_000, uniqueWord("r"));
  await paySettled(customer.token, vendor.id, 3_050, uniqueWord("r"));
  await paySettled(customer.token, vendor.id, 1_002, uniqueWord("r"));

  await signIn(page, customer);
  const chartChunks: string[] = [];
  page.on("request", (r) => {
    if (/DailyChart-.*\.js$/.test(r.url())) chartChunks.push(r.url());
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
  await expect(page).toHaveURL(/\/payments\/reports$/);
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
  const paid = page.locator(".ui-stat").filter({ hasText: "Paid (USD)" });
  await expect(paid).toContainText("$50.50");
  await expect(page.locator(".ui-stat").filter({ hasText: "Payments" })).toContainText("3");
  await expect(page.locator(".ui-stat").filter({ hasText: "Failed" })).toContainText("1");
  const chart = page.getByRole("img", { name: /Paid per day in USD: \$50\.50 over 30 days/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator(".ui-barchart__bar").first()).toBeVisible();
  expect(chartChunks.length).toBeGreaterThan(0);
  await page.getByText("Show the numbers").click();
  const table = page.getByRole("table", { name: "Paid per day in USD" });
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("row").nth(1)).toContainText("$50.50");

  const vendorContext = await newContext(browser, info);
  try {
    const vendorPage = await vendorContext.newPage();
    await signIn(vendorPage, vendor);
    await vendorPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await expect(vendorPage.locator(".ui-stat").filter({ hasText: "Received (USD)" })).toContainText(
      "$50.50",
    );
  } finally {
    await vendorContext.close();
  }
});

test("the first load of the payments list does not fetch the chart library", async ({ page }) => {
  const { customer } = await freshPair();
  const chartChunks: string[] = [];
  page.on("request", (r) => {
    if (/DailyChart-.*\.js$/.test(r.url())) chartChunks.push(r.url());
  });
  await signIn(page, customer);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  expect(chartChunks).toEqual([]);
});
