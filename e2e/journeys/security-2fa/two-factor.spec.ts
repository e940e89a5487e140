/**
 * Two-factor sign-in (docs/adr/0018), through Caddy against the real services: a customer turns it on from
 * the security page (the secret is read from the page, as a person would type the setup key into an app,
 * and the codes are computed with otplib like an authenticator app does), saves the recovery codes, signs
 * out, signs in with a code from the app, signs out again, and signs in with a recovery code.
 */
import type { Page } from "@playwright/test";
import { generate } from "otplib";
import { expect, test } from "../../support/fixtures.ts";
import { api, openAccountLink, uniqueWord } from "../../support/journeys.ts";

const PERIOD_MS = 30_000;
const stepNow = () => Math.floor(Date.now() / PERIOD_MS);

/**
 * A code of a time step later than `usedStep`: the server accepts each step's code once, so after using
 * one the app's next code is needed (at most 30 seconds away).
 */
async function nextCode(secret: string, usedStep: number): Promise<{ code: string; step: number }> {
  while (stepNow() <= usedStep) await new Promise((r) => setTimeout(r, 500));
  const step = stepNow();
  return { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) }), step };
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/account\/login$/);
}

async function password(page: Page, email: string, pw: string): Promise<void> {
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(pw);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
}

test("enable two-factor, then sign in with a code and with a recovery code", async ({ page }) => {
  test.setTimeout(150_000);
  const customer = await api.register("customer", uniqueWord("twofa"));
  await api.call("POST", "/api/auth/logout", { token: customer.token });

  await page.goto("/account/login");
  const login = page.getByRole("form", { name: "Sign in" });
  await login.getByLabel("Email").fill(customer.email);
  await login.getByLabel("Password").fill(customer.password);
  await login.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/payments$/);

  // Enrol from the account menu.
  await openAccountLink(page, "Security");
  await expect(page.getByRole("heading", { name: "Security" })).toBeVisible();
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = await page.locator("[data-secret]").getAttribute("data-secret");
  if (!secret) throw new Error("the page shows no setup key");
  // What a person types matches what the QR code carries.
  await expect(page.locator("[data-secret]")).toHaveText(secret.match(/.{1,4}/g)?.join(" ") ?? "");

  const confirm = page.getByRole("form", { name: "Confirm two-factor sign-in" });
  const first = await nextCode(secret, -1);
  await confirm.getByLabel("2. Enter the code the app shows").fill(first.code);
  await confirm.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  const list = page.getByRole("list", { name: "Recovery codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = await list.getByRole("listitem").allTextContents();
  await page.getByRole("button", { name: "I have saved these codes" }).click();
  await expect(page.getByText("10 recovery codes left.")).toBeVisible();
  await signOut(page);

  // Password, then the app's next code.
  await password(page, customer.email, customer.password);
  const second = await nextCode(secret, first.step);
  const step2 = page.getByRole("form", { name: "Two-factor code" });
  await step2.getByLabel("Authentication code").fill(second.code);
  await step2.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/payments$/);
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  await signOut(page);

  // Password, then a recovery code (the phone is lost).
  await password(page, customer.email, customer.password);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  const recovery = page.getByRole("form", { name: "Two-factor code" });
  await recovery.getByLabel("Recovery code").fill(codes[0] ?? "");
  await recovery.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/payments$/);
  await openAccountLink(page, "Security");
  await expect(page.getByText("9 recovery codes left.")).toBeVisible();
});
