/**
 * Vendors' money (issue 22, docs/adr/0031): a customer pays through the form; the vendor's Balance page
 * shows it pending (less the 2.9 % + 30 ¢ fee), then available once the settlement delay passed (30 s in
 * the e2e platform), the vendor adds a bank account (only its last 4 are kept) and requests a payout, which
 * goes through in transit to paid (3 s in transit); the ledger's reconciliation stays balanced throughout.
 * The page is axe clean and does not scroll sideways at 360 px; so is the admin's Ledger page, which says
 * "Balanced".
 */
import { asRecord } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import {
  adminAccount,
  adminToken,
  api,
  fillPayment,
  freshPair,
  newContext,
  signIn,
  uniqueWord,
} from "../../support/journeys.ts";
import { NARROW, overflow, seriousViolations } from "../a11y/audit.ts";

test("customer pays → vendor sees it pending → available after the delay → requests a payout → paid", async ({
  page,
  browser,
}, info) => {
  test.setTimeout(180_000);
  const { customer, vendor, vendorWord } = await freshPair();
  // The vendor watches the Balance page while the customer pays in another browser (it re-reads every 5 s).
  await signIn(page, vendor);
  await page.getByRole("link", { name: "Balance" }).first().click();
  await expect(page).toHaveURL(/\/payments\/balance$/);
  await expect(page.getByText("No balance yet")).toBeVisible();

  const order = uniqueWord("order");
  const customerContext = await newContext(browser, info);
  try {
    const customerPage = await customerContext.newPage();
    await signIn(customerPage, customer);
    await fillPayment(customerPage, vendorWord, "100.00", order);
    await customerPage
      .getByRole("form", { name: "New payment" })
      .getByRole("button", { name: "Pay" })
      .click();
    await expect(customerPage.locator("dd").filter({ hasText: "Succeeded" })).toBeVisible({
      timeout: 20_000,
    });
  } finally {
    await customerContext.close();
  }

  const stat = (label: string) => page.locator(".ui-stat").filter({ hasText: label });
  // $100.00 less 2.9 % + 30 ¢ = $96.80, pending until the delay has passed.
  await expect(stat("Pending (USD)")).toContainText("$96.80", { timeout: 15_000 });
  await expect(stat("Available (USD)")).toContainText("$0.00");
  const lines = page.getByRole("table", { name: "Balance transactions" });
  await expect(lines.getByRole("row").filter({ hasText: "Payment" })).toContainText("$3.20");
  // The line says who paid and for what, in words, and leads to the payment.
  const described = lines.getByRole("link", { name: `Payment from ${customer.name} — ${order}` });
  await expect(described).toBeVisible();
  await expect(described).toHaveAttribute("href", /\/payments\/pay_[0-9a-z]{26}$/);

  expect(await seriousViolations(page)).toEqual([]);

  const bank = page.getByRole("form", { name: "Bank account" });
  await bank.getByLabel("IBAN or account number").fill("GB29 NWBK 6016 1331 9268 19");
  await bank.getByRole("button", { name: "Save bank account" }).click();
  await expect(page.getByText("Payouts go to the account ending 6819")).toBeVisible();

  await expect(stat("Available (USD)")).toContainText("$96.80", { timeout: 45_000 });
  await expect(stat("Pending (USD)")).toContainText("$0.00");

  const payout = page.getByRole("form", { name: "Request a payout" });
  await expect(payout.getByLabel("Amount (USD)")).toHaveValue("96.80");
  await payout.getByLabel("Amount (USD)").fill("50.00");
  await payout.getByRole("button", { name: "Pay out" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Payout requested" })).toBeVisible();
  const payouts = page.getByRole("table", { name: "Payouts" });
  await expect(payouts.getByRole("row").filter({ hasText: "$50.00" })).toContainText("Paid", {
    timeout: 30_000,
  });
  await expect(stat("Available (USD)")).toContainText("$46.80");
  await expect(stat("In transit (USD)")).toContainText("$0.00");

  // At a phone's width nothing scrolls sideways and axe still finds nothing serious.
  await page.setViewportSize(NARROW);
  expect((await overflow(page)).scrollWidth).toBeLessThanOrEqual(NARROW.width);
  expect(await seriousViolations(page)).toEqual([]);

  // The record agrees, and the ledger reconciles.
  const { token } = await api.login(vendor);
  const balance = asRecord((await api.call("GET", "/api/payments/balance", { token })).json);
  expect(balance.balances).toEqual([{ currency: "usd", pending: 0, available: 4_680, in_transit: 0 }]);
  const check = asRecord(
    (await api.call("GET", "/api/payments/ledger/check", { token: await adminToken() })).json,
  );
  expect(check).toMatchObject({ balanced: true });

  // The admin's Ledger page says so too, with the totals per currency; axe clean at both widths.
  const adminContext = await newContext(browser, info);
  try {
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, adminAccount());
    await adminPage.getByRole("link", { name: "Ledger" }).first().click();
    await expect(adminPage).toHaveURL(/\/admin\/ledger$/);
    await expect(adminPage.getByRole("status").filter({ hasText: "Balanced" })).toBeVisible({
      timeout: 20_000,
    });
    const totals = adminPage.getByRole("table", { name: "Totals per currency" });
    await expect(totals.getByRole("row").filter({ hasText: "USD" })).toBeVisible();
    expect(await seriousViolations(adminPage)).toEqual([]);
    await adminPage.setViewportSize(NARROW);
    expect((await overflow(adminPage)).scrollWidth).toBeLessThanOrEqual(NARROW.width);
    expect(await seriousViolations(adminPage)).toEqual([]);
  } finally {
    await adminContext.close();
  }
});
