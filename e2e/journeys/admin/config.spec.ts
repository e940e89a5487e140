/**
 * Currencies and the system configuration, end to end. The currency choices are the server's
 * `supported_currencies`: a customer pays in every one of them. An admin adds a currency on the
 * Configuration page and removes it again: an open new-payment form follows each change live, and the
 * payments service accepts, then refuses, payments in it — no restart. A save over a version someone else
 * saved meanwhile is refused with words that say so, and can be reviewed and saved on top.
 *
 * One file on purpose: these tests change the live configuration, and the first one reads the whole
 * currency list, so they must not run beside each other (a file's tests run in order, in one worker). They
 * only ever add and remove a currency no other journey uses, and put the configuration back.
 */
import type { Page } from "@playwright/test";
import { asRecord, str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import {
  adminAccount,
  adminToken,
  api,
  fillPayment,
  freshPair,
  newContext,
  signIn,
  supportedCurrencies,
  uniqueWord,
} from "../../support/journeys.ts";

/** 1234 minor units typed in major units of `currency` ("12.34", "1234" for jpy, "1.234" for bhd). */
function typedAmount(currency: string): string {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return digits === 0 ? "1234" : `${"1234".slice(0, 4 - digits) || "0"}.${"1234".slice(4 - digits)}`;
}

/** Values of a select's options, in order. */
function optionValues(page: Page, label: string): Promise<string[]> {
  return page
    .getByLabel(label)
    .locator("option")
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
}

/** Pays through the form in `currency`; returns the new payment's id. */
async function payInForm(page: Page, vendorWord: string, currency: string): Promise<string> {
  await fillPayment(page, vendorWord, typedAmount(currency), uniqueWord(`in${currency}`));
  const form = page.getByRole("form", { name: "New payment" });
  await form.getByLabel("Currency").selectOption(currency);
  await expect(form.getByLabel(`Amount (${currency.toUpperCase()})`)).toBeVisible();
  await form.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/payments\/pay_/);
  await expect(page.getByRole("status").filter({ hasText: "Payment created" })).toBeVisible();
  return page.url().split("/").at(-1) ?? "";
}

/** A currency the platform does not accept now, for a journey to add and remove. */
async function unusedCurrency(): Promise<string> {
  const accepted = await supportedCurrencies();
  const code = ["nok", "dkk", "pln", "nzd"].find((c) => !accepted.includes(c));
  if (!code) throw new Error(`every spare currency is already accepted: ${accepted.join(",")}`);
  return code;
}

/** Whether payments in `currency` are accepted now (a customer's payment attempt, outcome as text). */
async function paymentAnswer(token: string, payeeId: string, currency: string): Promise<string> {
  const res = await api.call("POST", "/api/payments", {
    token,
    body: { payee_id: payeeId, amount: 1_234, currency },
    headers: { "idempotency-key": uniqueWord("key") },
  });
  return `${res.status} ${(res.json as { error?: { code?: string } } | undefined)?.error?.code ?? ""}`.trim();
}

/** Puts the configuration back without `currency`, if a failed run left it in. */
async function withoutCurrency(currency: string): Promise<void> {
  const token = await adminToken();
  const current = asRecord((await api.call("GET", "/api/admin/config", { token })).json);
  const settings = asRecord(current.settings);
  const list = settings.supported_currencies as string[];
  if (!list.includes(currency)) return;
  await api.call("PUT", "/api/admin/config", {
    token,
    body: { settings: { ...settings, supported_currencies: list.filter((c) => c !== currency) } },
  });
}

test("a customer pays in every currency the platform accepts, each in its own minor units", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const currencies = await supportedCurrencies();
  const { customer, vendor, vendorWord } = await freshPair();
  await signIn(page, customer);
  await page.goto("/payments/new");
  // The picker offers exactly the server's list, in its order.
  await expect.poll(() => optionValues(page, "Currency")).toEqual(currencies);

  const ids = new Map<string, string>();
  for (const currency of currencies) ids.set(currency, await payInForm(page, vendorWord, currency));

  const { token } = await api.login(customer);
  for (const [currency, id] of ids) {
    await api.waitForStatus(token, id, ["succeeded"]);
    const record = asRecord((await api.call("GET", `/api/payments/${id}`, { token })).json);
    expect(record, currency).toMatchObject({ currency, amount: 1_234, payee_id: vendor.id });
  }
});

test("an admin adds and removes a currency: the open form and the payments service follow, no restart", async ({
  browser,
  page,
}, info) => {
  test.setTimeout(120_000);
  const currency = await unusedCurrency();
  const upper = currency.toUpperCase();
  const { customer, vendor, vendorWord } = await freshPair();
  const adminContext = await newContext(browser, info);
  try {
    await signIn(page, customer);
    await page.goto("/payments/new");
    const picker = page.getByRole("form", { name: "New payment" }).getByLabel("Currency");
    await expect(picker.locator("option").first()).toBeAttached();
    await expect(picker.locator(`option[value="${currency}"]`)).toHaveCount(0);

    const admin = await adminContext.newPage();
    await signIn(admin, adminAccount());
    await admin
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Configuration" })
      .click();
    const form = admin.getByRole("form", { name: "Configuration" });
    await form.getByLabel("Add a currency").fill(currency);
    await form.getByRole("button", { name: "Add currency" }).click();
    await expect(form.getByRole("list", { name: "Changes to save" })).toHaveText(`Accept ${upper}`);
    await form.getByRole("button", { name: "Save configuration" }).click();
    await expect(
      admin.getByRole("status").filter({ hasText: /^Configuration saved as version \d+/ }),
    ).toBeVisible();

    // The customer's form, open since before the change, offers it now; the payments service accepts it.
    await expect(picker.locator(`option[value="${currency}"]`)).toHaveCount(1, { timeout: 15_000 });
    await expect
      .poll(() => paymentAnswer(customer.token, vendor.id, currency), { timeout: 15_000 })
      .toBe("201");
    const id = await payInForm(page, vendorWord, currency);
    const { token } = await api.login(customer);
    expect(await api.waitForStatus(token, id, ["succeeded"])).toBe("succeeded");

    await page.goto("/payments/new");
    await expect(picker.locator(`option[value="${currency}"]`)).toHaveCount(1);
    await form.getByRole("button", { name: `Remove ${upper}` }).click();
    await expect(form.getByRole("list", { name: "Changes to save" })).toHaveText(`Stop accepting ${upper}`);
    await form.getByRole("button", { name: "Save configuration" }).click();
    await expect(
      admin.getByRole("status").filter({ hasText: /^Configuration saved as version \d+/ }),
    ).toBeVisible();

    // Gone from the open form, and refused by the service.
    await expect(picker.locator(`option[value="${currency}"]`)).toHaveCount(0, { timeout: 15_000 });
    await expect
      .poll(() => paymentAnswer(token, vendor.id, currency), { timeout: 15_000 })
      .toBe("400 unsupported_currency");
  } finally {
    await adminContext.close();
    await withoutCurrency(currency);
  }
});

test("a save over a version someone else saved meanwhile is refused in words, then reviewed and saved", async ({
  page,
  guard,
}) => {
  guard.allowResponse(409, "PUT", "/api/admin/config", "the conflict this journey is about");
  // No live updates on this page (as on a connection that dropped them): the page cannot know of the other
  // save before its own is refused.
  await page.routeWebSocket(/\/ws(\?|$)/, () => {});
  await signIn(page, adminAccount());
  await page.goto("/admin/config");
  const form = page.getByRole("form", { name: "Configuration" });
  const mine = uniqueWord("Planned maintenance ");
  await form.getByLabel("Message").fill(mine);
  await expect(form.getByRole("list", { name: "Changes to save" })).toContainText("banner");

  // Someone else saves first (the banner stays off: nobody else's page changes).
  const token = await adminToken();
  const before = asRecord((await api.call("GET", "/api/admin/config", { token })).json);
  const settings = asRecord(before.settings);
  const theirs = await api.call("PUT", "/api/admin/config", {
    token,
    body: {
      settings: {
        ...settings,
        maintenance_banner: { enabled: false, message: uniqueWord("Theirs "), level: "info" },
      },
      expected_version: before.version,
    },
  });
  expect(theirs.status, theirs.text).toBe(200);
  const newer = Number(asRecord(theirs.json).version);

  await form.getByRole("button", { name: "Save configuration" }).click();
  const notice = page
    .getByRole("alert")
    .filter({ hasText: "Not saved: someone else changed the configuration" });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`version ${newer} is current now`);
  await notice.getByRole("button", { name: `Review my changes against version ${newer}` }).click();
  await expect(page.getByText(new RegExp(`^Version ${newer}`))).toBeVisible();
  await expect(form.getByRole("list", { name: "Changes to save" })).toContainText("banner");
  await form.getByRole("button", { name: "Save configuration" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: `Configuration saved as version ${newer + 1}` }),
  ).toBeVisible();
  const saved = asRecord((await api.call("GET", "/api/admin/config", { token })).json);
  expect(str(asRecord(asRecord(saved.settings).maintenance_banner), "message")).toBe(mine);
});
