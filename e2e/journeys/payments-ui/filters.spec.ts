/**
 * Finding payments (issue 18): status, amount range and search narrow the list as a person types, the
 * empty result says so only when filters are set, and the CSV export downloads exactly the filtered list.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "../../support/fixtures.ts";
import { freshPair, signIn, uniqueWord } from "../../support/journeys.ts";
import { paySettled } from "./support.ts";

test("filters and search narrow the list; the CSV export holds what the list shows", async ({ page }) => {
  const { customer, vendor } = await freshPair();
  const books = await paySettled(customer.token, vendor.id, 1_234, uniqueWord("books"));
  const coffee = await paySettled(customer.token, vendor.id, 500, uniqueWord("coffee"));
  const declined = await paySettled(customer.token, vendor.id, 2_002, uniqueWord("declined"));

  await signIn(page, customer);
  const table = page.getByRole("table", { name: /Payments/ });
  await expect(table.getByRole("row")).toHaveCount(4);

  await page.getByLabel("Status").selectOption("failed");
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText(declined.description ?? "");
  await expect(page).toHaveURL(/status=failed/);

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(table.getByRole("row")).toHaveCount(4);
  await page.getByLabel("Search").fill((coffee.description ?? "").toUpperCase());
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText(coffee.description ?? "");
  // The vendor's name finds every payment to them.
  await page.getByLabel("Search").fill(vendor.name);
  await expect(table.getByRole("row")).toHaveCount(4);

  await page.getByLabel("Search").fill("");
  await page.getByText("More filters").click();
  await page.getByLabel("Lowest amount").fill("10");
  await page.getByLabel("Highest amount").fill("15");
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText(books.description ?? "");
  await expect(page).toHaveURL(/min=10&max=15|max=15.*min=10/);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^payments-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8")
    .trimEnd()
    .split("\r\n");
  expect(csv[0]).toBe(
    "id,created_at,status,payer_id,payer_name,payee_id,payee_name,currency,amount,amount_refunded," +
      "description,failure_reason",
  );
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain(books.id);
  expect(csv[1]).toContain(`,${customer.name},`);
  expect(csv[1]).toContain(`,${vendor.name},usd,12.34,0.00,${books.description},`);

  await page.getByLabel("Highest amount").fill("");
  await page.getByLabel("Lowest amount").fill("100");
  await expect(page.getByText("No payments match these filters.")).toBeVisible();
});

test("the vendor exports every payment received, from all customers, named", async ({ page }) => {
  const { customer, vendor } = await freshPair();
  const made = [
    await paySettled(customer.token, vendor.id, 700, uniqueWord("a")),
    await paySettled(customer.token, vendor.id, 802, uniqueWord("b")),
  ];
  await signIn(page, vendor);
  await expect(page.getByRole("table", { name: /Payments/ }).getByRole("row")).toHaveCount(3);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const rows = readFileSync(await download.path(), "utf8")
    .trimEnd()
    .split("\r\n")
    .slice(1);
  expect(rows.map((r) => r.split(",")[0])).toEqual(made.map((p) => p.id).reverse());
  expect(rows.every((r) => r.includes(`,${customer.name},`))).toBe(true);
  expect(rows[0]).toContain("The payment processor declined this payment. No money was taken.");
});
