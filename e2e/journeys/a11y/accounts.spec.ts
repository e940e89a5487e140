/**
 * The account pages a person reaches from a mail or in the middle of signing in, with the same checks as
 * the main pages (audit.ts: 0 serious or critical axe violations in light and dark at desktop width and at
 * 390 px, no sideways scroll at 390 and 360 px): forgot password (the form and its "check your mail"
 * answer), reset password, e-mail verification and invitation acceptance opened from real mails, change
 * password, and two-factor sign-in — the security page before, during and after set-up (QR code, recovery
 * codes) and the code step of a sign-in.
 */
import { generate } from "otplib";
import { expect, test } from "../../support/fixtures.ts";
import { adminToken, api, uniqueWord } from "../../support/journeys.ts";
import { waitForMail } from "../../support/mailbox.ts";
import type { MainPage } from "../../support/main-pages.ts";
import { auditPage } from "./audit.ts";

/** A page opened from a mail's link (path and query of the link, as the browser goes there). */
function fromMail(name: string, link: string, heading: string): MainPage {
  const url = new URL(link);
  return { name, path: `${url.pathname}${url.search}`, heading };
}

test("pages opened from mails: forgot, reset, verify, accept an invitation", async ({ page }, info) => {
  test.setTimeout(240_000);
  // Unverified, so its verification mail is still unused for the verify page.
  const customer = await api.register("customer", uniqueWord("a11ymail"), { verified: false });

  const forgot: MainPage = {
    name: "forgot-password",
    path: "/account/forgot",
    heading: "Forgot your password?",
  };
  await test.step(forgot.name, () => auditPage(page, forgot, info));
  await test.step("forgot-password-sent", async () => {
    const form = page.getByRole("form", { name: "Reset your password" });
    await form.getByLabel("Email").fill(customer.email);
    await form.getByRole("button", { name: "Send the link" }).click();
    const sent = { name: "forgot-password-sent", path: forgot.path, heading: "Check your mail" };
    await auditPage(page, sent, info, { here: true });
  });

  const reset = await waitForMail(customer.email, "/account/reset");
  await test.step("reset-password", () =>
    auditPage(page, fromMail("reset-password", reset.link, "Choose a new password"), info));

  const verify = await waitForMail(customer.email, "/account/verify");
  await test.step("verify-email", async () => {
    await auditPage(page, fromMail("verify-email", verify.link, "Confirm your e-mail address"), info);
    // The check looked at the answer, not at a spinner or a failure.
    await expect(page.getByText("Your e-mail address is confirmed.")).toBeVisible();
  });

  const email = `${uniqueWord("a11yinvite")}@example.com`;
  const invited = await api.call("POST", "/api/auth/admin/invitations", {
    token: await adminToken(),
    body: { email, name: "Invited Person", role: "vendor" },
  });
  expect(invited.status, invited.text).toBe(201);
  const invitation = await waitForMail(email, "/account/invitation");
  await test.step("accept-invitation", () =>
    auditPage(page, fromMail("accept-invitation", invitation.link, "Welcome: set your password"), info));
});

test("two-factor sign-in: set-up, recovery codes, the code step; change password", async ({ page }, info) => {
  test.setTimeout(240_000);
  const customer = await api.register("customer", uniqueWord("a11y2fa"));
  await api.call("POST", "/api/auth/logout", { token: customer.token });
  await page.goto("/account/login");
  const login = page.getByRole("form", { name: "Sign in" });
  await login.getByLabel("Email").fill(customer.email);
  await login.getByLabel("Password").fill(customer.password);
  await login.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/payments$/);

  const password: MainPage = {
    name: "change-password",
    path: "/account/password",
    heading: "Change password",
  };
  await test.step(password.name, () => auditPage(page, password, info));

  const security: MainPage = { name: "two-factor-off", path: "/account/security", heading: "Security" };
  await test.step(security.name, () => auditPage(page, security, info));

  let secret = "";
  await test.step("two-factor-setup", async () => {
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    secret = (await page.locator("[data-secret]").getAttribute("data-secret")) ?? "";
    expect(secret).not.toBe("");
    await auditPage(page, { ...security, name: "two-factor-setup" }, info, { here: true });
  });

  await test.step("two-factor-recovery-codes", async () => {
    const confirm = page.getByRole("form", { name: "Confirm two-factor sign-in" });
    await confirm
      .getByLabel("2. Enter the code the app shows")
      .fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
    await confirm.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await auditPage(page, { ...security, name: "two-factor-recovery-codes" }, info, { here: true });
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await expect(page.getByText("10 recovery codes left.")).toBeVisible();
  });

  await test.step("two-factor-challenge", async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/account\/login$/);
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Email").fill(customer.email);
    await form.getByLabel("Password").fill(customer.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("form", { name: "Two-factor code" })).toBeVisible();
    const challenge = { name: "two-factor-challenge", path: "/account/login", heading: "Two-factor sign-in" };
    await auditPage(page, challenge, info, { here: true });
  });
});
