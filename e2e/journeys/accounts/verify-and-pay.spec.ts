/**
 * E-mail verification (docs/adr/0017): a customer who registers through the form is told to confirm the
 * address, follows the link from the mail the platform wrote to its development mailbox, and can then pay.
 */
import { TEST_PASSWORD } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, fillPayment, uniqueWord } from "../../support/journeys.ts";
import { waitForMail } from "../../support/mailbox.ts";

test("register → verify from the mail → pay", async ({ page }) => {
  const vendorWord = uniqueWord("shop");
  const vendor = await api.register("vendor", vendorWord);
  const name = uniqueWord("buyer");
  const email = `${name}@example.com`;

  await page.goto("/account/register");
  const form = page.getByRole("form", { name: "Create an account" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(TEST_PASSWORD);
  await form.getByLabel("I want to").selectOption("customer");
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/payments$/);
  const banner = page.getByRole("status").filter({ hasText: "Confirm your e-mail address" });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(email);

  const { mail, link } = await waitForMail(email, "/account/verify");
  expect(mail.subject).toBe("Confirm your e-mail address");
  // The link points at the platform's public origin (PUBLIC_BASE_URL): this run's Caddy.
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);
  await page.goto(link);
  await expect(page.getByText("Your e-mail address is confirmed.")).toBeVisible();
  // This tab renewed its session: the banner is gone.
  await page.getByRole("link", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: /Payments/ })).toBeVisible();
  await expect(banner).toHaveCount(0);

  const description = uniqueWord("order");
  await fillPayment(page, vendorWord, "9.50", description);
  await page.getByRole("form", { name: "New payment" }).getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/payments\/pay_/);
  await expect(page.getByRole("status").filter({ hasText: "Payment created" })).toBeVisible();
  const id = page.url().split("/").at(-1) ?? "";
  const stored = await api.call("GET", `/api/payments/${id}`, { token: vendor.token });
  expect(stored.json).toMatchObject({ payee_id: vendor.id, amount: 950 });
});

test("a used verification link says so instead of failing silently", async ({ page, guard }) => {
  guard.allowResponse(400, "POST", "/api/auth/email/verify", "the link was used already");
  const customer = await api.register("customer", uniqueWord("again"));
  // api.register followed the link already: this is the second use.
  const { link } = await waitForMail(customer.email, "/account/verify");
  await page.goto(link);
  await expect(page.getByText("This link is invalid, used or expired.")).toBeVisible();
});
