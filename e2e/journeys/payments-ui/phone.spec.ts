/**
 * Phone width (issue 18): at 360 and 390 px no payments page scrolls sideways; the list's rows are cards
 * with the amount and status in view and the date on one line. Screenshots of each page at 390 and 1280
 * px go to this test's output folder (test-results/…), to look at.
 */
import { expect, test } from "../../support/fixtures.ts";
import { freshPair, newContext, signIn, uniqueWord } from "../../support/journeys.ts";
import { expectNoHorizontalOverflow, expectNothingSpills, paySettled, screenshot } from "./support.ts";

for (const width of [360, 390]) {
  test(`no payments page scrolls sideways at ${width} px`, async ({ page }, info) => {
    const { customer, vendor } = await freshPair();
    const long = await paySettled(
      customer.token,
      vendor.id,
      123_456_78,
      `${uniqueWord("a-rather-long-description-")} for the annual maintenance of everything`,
    );
    await paySettled(customer.token, vendor.id, 1_002, null);
    await page.setViewportSize({ width, height: 800 });
    await signIn(page, customer);

    const table = page.getByRole("table", { name: /Payments/ });
    await expect(table.getByRole("row")).toHaveCount(3);
    await expectNoHorizontalOverflow(page, "list");
    await expectNothingSpills(page, ".ui-card, .ui-table--stack td");
    // Each card shows its amount and status inside the screen, and its date on one line.
    const card = table.getByRole("row").filter({ hasText: long.description ?? "" });
    for (const cell of [card.getByText("$123,456.78"), card.locator(".ui-badge")]) {
      const box = await cell.boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(width);
    }
    const date = await card.locator("time").boundingBox();
    expect(date?.height ?? 99, "the date stays on one line").toBeLessThan(30);
    if (width === 390) await screenshot(page, info.outputPath("list-390.png"));

    await card.getByRole("link").click();
    await expect(page.getByRole("region", { name: "Details" })).toBeVisible();
    await expect(page.getByRole("region", { name: "History" })).toContainText("Succeeded");
    await expectNoHorizontalOverflow(page, "detail");
    await expectNothingSpills(page, ".ui-card, .ui-dl dd");
    if (width === 390) await screenshot(page, info.outputPath("detail-390.png"));

    await page.goto("/payments?status=failed");
    await page.getByText("More filters").click();
    await expect(table.getByRole("row")).toHaveCount(2);
    await expectNoHorizontalOverflow(page, "filtered list");

    await page.goto("/payments/new");
    await expect(page.getByRole("form", { name: "New payment" })).toBeVisible();
    await expectNoHorizontalOverflow(page, "new payment");
    if (width === 390) await screenshot(page, info.outputPath("new-390.png"));

    await page.goto("/payments/reports");
    await expect(page.getByRole("img", { name: /Paid per day/ })).toBeVisible();
    await page.getByText("Show the numbers").click();
    await expectNoHorizontalOverflow(page, "reports");
    await expectNothingSpills(page, ".ui-stat");
    if (width === 390) await screenshot(page, info.outputPath("reports-390.png"));
  });
}

test("the same pages at 1280 px, for the screenshots", async ({ page, browser }, info) => {
  const { customer, vendor } = await freshPair();
  await paySettled(customer.token, vendor.id, 4_200, uniqueWord("desk"));
  const failed = await paySettled(customer.token, vendor.id, 1_002, null);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, customer);
  await expect(page.getByRole("table", { name: /Payments/ }).getByRole("row")).toHaveCount(3);
  await screenshot(page, info.outputPath("list-1280.png"));
  await page.goto(`/payments/${failed.id}`);
  await expect(page.getByRole("alert")).toContainText("This payment failed");
  await screenshot(page, info.outputPath("detail-1280.png"));
  await page.goto("/payments/new");
  await expect(page.getByRole("form", { name: "New payment" })).toBeVisible();
  await screenshot(page, info.outputPath("new-1280.png"));
  await page.goto("/payments/reports");
  await expect(page.getByRole("img", { name: /Paid per day/ })).toBeVisible();
  await screenshot(page, info.outputPath("reports-1280.png"));
  const vendorContext = await newContext(browser, info);
  try {
    const vendorPage = await vendorContext.newPage();
    await vendorPage.setViewportSize({ width: 1280, height: 800 });
    await signIn(vendorPage, vendor);
    await expect(vendorPage.getByRole("table", { name: /Payments/ }).getByRole("row")).toHaveCount(3);
    await screenshot(vendorPage, info.outputPath("vendor-list-1280.png"));
    await vendorPage.setViewportSize({ width: 390, height: 800 });
    await expectNoHorizontalOverflow(vendorPage, "vendor list");
    await screenshot(vendorPage, info.outputPath("vendor-list-390.png"));
  } finally {
    await vendorContext.close();
  }
});
