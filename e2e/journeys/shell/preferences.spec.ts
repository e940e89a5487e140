/**
 * Preferences, saved through the page against the profile service: the dark theme shows at once and again
 * after a reload (it is stored, not just applied); the language writes dates and amounts the German way on
 * the payment pages; the default currency is the one the new-payment form starts with.
 */
import { asRecord, str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, freshPair, openAccountLink, signIn, supportedCurrencies } from "../../support/journeys.ts";

// Dates are compared as the page writes them; one zone for the browser and this file.
test.use({ timezoneId: "UTC" });

/** The dark theme's page background (packages/ui tokens.css, `--ui-bg`). */
const DARK_BACKGROUND = "rgb(15, 18, 24)";

test("saved preferences change the theme, how dates and amounts read, and the currency a payment starts in", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const { customer, vendor } = await freshPair();
  const id = str(await api.pay(customer.token, vendor.id, 123_450), "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);
  // A default that differs from what the browser's region would suggest, among those the server accepts.
  const currencies = await supportedCurrencies();
  const currency = currencies.find((c) => c === "sek") ?? currencies.find((c) => c !== "usd");
  if (!currency) throw new Error(`no currency besides usd to choose from: ${currencies.join(",")}`);

  await signIn(page, customer);
  await openAccountLink(page, "Preferences");
  await expect(page.getByRole("heading", { name: "Preferences" })).toBeVisible();
  const form = page.getByRole("form", { name: "Preferences" });
  const currencySelect = form.getByLabel("Default currency");
  // The choices are the server's, in its order (no hard-coded list).
  await expect(currencySelect.locator("option")).toHaveCount(currencies.length);
  expect(
    await currencySelect.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
  ).toEqual(currencies);
  await form.getByLabel("Theme").selectOption("dark");
  await form.getByLabel("Language and region").selectOption("de-DE");
  await currencySelect.selectOption(currency);
  await form.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Preferences saved" })).toBeVisible();

  // Applied at once: the document is dark and German.
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.locator("html")).toHaveAttribute("lang", "de-DE");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(DARK_BACKGROUND);

  // Stored: the profile service has them, and a reload (which reads them at sign-in) shows them again.
  const { token } = await api.login(customer);
  const stored = asRecord((await api.call("GET", "/api/profile/me/preferences", { token })).json);
  expect(stored).toMatchObject({ theme: "dark", locale: "de-DE", default_currency: currency });

  await page.goto(`/payments/${id}`);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  // 1234.50 USD in German: "1.234,50 $"; the date as dd.mm.yyyy, hh:mm.
  await expect(page.locator("dd").filter({ hasText: "1.234,50" })).toBeVisible();
  const payment = asRecord((await api.call("GET", `/api/payments/${id}`, { token })).json);
  const created = new Date(str(payment, "created_at"));
  const expectedDate = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "UTC" }).format(
    created,
  );
  await expect(page.locator("dd").filter({ hasText: expectedDate })).toBeVisible();
  await expect(
    page
      .locator("dd")
      .filter({ hasText: /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/ })
      .first(),
  ).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(DARK_BACKGROUND);

  // The list too: the amount column reads the German way.
  await page.goto("/payments");
  await expect(page.getByRole("row").filter({ hasText: "1.234,50" })).toBeVisible();

  // The new-payment form starts in the default currency.
  await page.goto("/payments/new");
  const newPayment = page.getByRole("form", { name: "New payment" });
  await expect(newPayment.getByLabel("Currency")).toHaveValue(currency);
  await expect(newPayment.getByLabel(`Amount (${currency.toUpperCase()})`)).toBeVisible();
});
