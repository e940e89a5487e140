/**
 * The audit log as an admin uses it: filter by event type and subject to one payment's story, then export
 * exactly those rows as a CSV file the browser downloads.
 */
import { readFile } from "node:fs/promises";
import { str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { adminAccount, api, freshPair, signIn } from "../../support/journeys.ts";

test("an admin filters the audit log to one payment and downloads those rows as CSV", async ({ page }) => {
  const { customer, vendor } = await freshPair();
  const id = str(await api.pay(customer.token, vendor.id, 2_222), "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);
  const other = str(await api.pay(customer.token, vendor.id, 1_111), "id");
  await api.waitForStatus(customer.token, other, ["succeeded"]);

  await signIn(page, adminAccount());
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  const filters = page.getByRole("form", { name: "Filter the audit log" });
  await filters.getByLabel("Event type").fill("payment.");
  await filters.getByLabel("Subject").fill(id);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const body = page.getByRole("table").locator("tbody");
  // The admin service records events as they arrive: wait for this payment's last one.
  await expect(body.getByRole("row").filter({ hasText: "payment.succeeded" })).toHaveCount(1, {
    timeout: 15_000,
  });
  await expect(body.getByRole("row").filter({ hasText: "payment.created" })).toHaveCount(1);
  await expect(body.getByRole("row").filter({ hasNotText: id })).toHaveCount(0);
  const shown = await body.getByRole("row").count();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const path = await download.path();
  const lines = (await readFile(path, "utf8")).trim().split(/\r?\n/);
  const [header, ...rows] = lines;
  expect(header).toMatch(/type/);
  expect(header).toMatch(/subject/);
  // The same filters: this payment's events and nothing of the other payment.
  expect(rows).toHaveLength(shown);
  expect(rows.every((r) => r.includes(id) && !r.includes(other))).toBe(true);
  expect(rows.some((r) => r.includes("payment.created"))).toBe(true);
  expect(rows.some((r) => r.includes("payment.succeeded"))).toBe(true);
});
