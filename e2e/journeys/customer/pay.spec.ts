/**
 * Paying: a customer pays a vendor through the form while the vendor's payments page is open in another
 * browser; the payment arrives there live, without a reload. A double-clicked Pay button creates exactly
 * one payment.
 */
import type { Request } from "@playwright/test";
import { asRecord } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, fillPayment, freshPair, newContext, signIn, uniqueWord } from "../../support/journeys.ts";

test("the vendor's open page shows the customer's payment arrive live", async ({ browser, page }, info) => {
  const { customer, vendor, vendorWord } = await freshPair();
  const vendorContext = await newContext(browser, info);
  const vendorPage = await vendorContext.newPage();
  try {
    await signIn(vendorPage, vendor);
    await expect(vendorPage.getByRole("heading", { name: /Payments/ })).toBeVisible();
    const description = uniqueWord("order");
    await expect(vendorPage.getByText(description)).toHaveCount(0);

    await signIn(page, customer);
    await fillPayment(page, vendorWord, "12.34", description);
    await page.getByRole("form", { name: "New payment" }).getByRole("button", { name: "Pay" }).click();
    await expect(page).toHaveURL(/\/payments\/pay_/);
    await expect(page.getByRole("status").filter({ hasText: "Payment created" })).toBeVisible();
    // The detail page follows the payment's room: pending → processing → succeeded, live.
    await expect(page.locator("dd").filter({ hasText: "Succeeded" })).toBeVisible({ timeout: 20_000 });
    await expect(page.locator("dd").filter({ hasText: "$12.34" })).toBeVisible();

    // The vendor never reloaded: the row arrived through the WebSocket and the list's refetch.
    const row = vendorPage.getByRole("row").filter({ hasText: description });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText("$12.34");
    await expect(row).toContainText("Succeeded", { timeout: 20_000 });

    // Major units in the form, integer minor units on the wire and in the record.
    const id = page.url().split("/").at(-1) ?? "";
    const stored = asRecord(
      (await api.call("GET", `/api/payments/${id}`, { token: (await api.login(customer)).token })).json,
    );
    expect(stored).toMatchObject({ amount: 1234, currency: "usd", payee_id: vendor.id, status: "succeeded" });
  } finally {
    await vendorContext.close();
  }
});

test("a double-clicked Pay button creates one payment", async ({ page }) => {
  const { customer, vendorWord } = await freshPair();
  await signIn(page, customer);
  const description = uniqueWord("double");
  await fillPayment(page, vendorWord, "7.00", description);
  const posts: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/payments")
      posts.push(request);
  });
  await page.getByRole("form", { name: "New payment" }).getByRole("button", { name: "Pay" }).dblclick();
  await expect(page).toHaveURL(/\/payments\/pay_/);
  // However many requests the two clicks made, they carried one idempotency key…
  const keys = new Set(await Promise.all(posts.map((r) => r.headerValue("idempotency-key"))));
  expect(posts.length).toBeGreaterThanOrEqual(1);
  expect(keys.size).toBe(1);
  // …and the customer has exactly one payment with this description.
  const { token } = await api.login(customer);
  const list = asRecord((await api.call("GET", "/api/payments?limit=100", { token })).json);
  const mine = (list.data as Array<{ description: string | null }>).filter(
    (p) => p.description === description,
  );
  expect(mine).toHaveLength(1);
});

test("the form refuses a bad amount in words, before anything is sent", async ({ page }) => {
  const { customer, vendorWord } = await freshPair();
  await signIn(page, customer);
  await fillPayment(page, vendorWord, "12.345", uniqueWord("bad"));
  let sent = false;
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/payments") sent = true;
  });
  await page.getByRole("form", { name: "New payment" }).getByRole("button", { name: "Pay" }).click();
  await expect(page.getByLabel(/^Amount/)).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/payments\/new$/);
  expect(sent).toBe(false);
});
