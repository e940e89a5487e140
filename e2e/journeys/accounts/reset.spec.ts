/**
 * Password reset (docs/adr/0017): "Forgot password?" from the sign-in page, the link from the mail sets a new
 * password, and the session open in another tab is signed out without a reload (every session of the
 * account ends; the gateway closes its socket on `session.revoked`).
 */
import { expect, test } from "../../support/fixtures.ts";
import { api, newContext, signIn, uniqueWord } from "../../support/journeys.ts";
import { waitForMail } from "../../support/mailbox.ts";

const NEW_PASSWORD = "a fresh passphrase after the reset";

test("forgot → reset → the old session in another tab is signed out", async ({
  browser,
  page,
  guard,
}, info) => {
  // The tab that stays signed in finds out the way any revoked device does.
  guard.allowResponse(401, "POST", "/api/realtime/ticket", "every session ended with the reset");
  guard.allowResponse(401, "POST", "/api/auth/refresh", "every session ended with the reset");
  test.setTimeout(90_000);
  const customer = await api.register("customer", uniqueWord("forgetful"));
  await api.call("POST", "/api/auth/logout", { token: customer.token });
  await signIn(page, customer);
  await expect(page.getByRole("heading", { name: /Payments/ })).toBeVisible();

  const other = await newContext(browser, info);
  try {
    const tab = await other.newPage();
    await tab.goto("/account/login");
    await tab.getByRole("link", { name: "Forgot password?" }).click();
    const form = tab.getByRole("form", { name: "Reset your password" });
    await form.getByLabel("Email").fill(customer.email);
    await form.getByRole("button", { name: "Send the link" }).click();
    await expect(tab.getByRole("heading", { name: "Check your mail" })).toBeVisible();

    const { mail, link } = await waitForMail(customer.email, "/account/reset");
    expect(mail.subject).toBe("Reset your password");
    await tab.goto(link);
    const reset = tab.getByRole("form", { name: "Choose a new password" });
    await reset.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await reset.getByLabel("New password again").fill(NEW_PASSWORD);
    await reset.getByRole("button", { name: "Set the new password" }).click();
    await expect(tab.getByText("Your password is changed.")).toBeVisible();

    // The first tab was not touched: it learns by itself.
    await expect(page).toHaveURL(/\/account\/login$/, { timeout: 30_000 });
    await expect(page.getByText("Your session has ended. Please sign in again.")).toBeVisible();

    // A notice went to the address, and only the new password works.
    const notice = await waitForMail(customer.email, "/account/forgot", { tokenless: true });
    expect(notice.mail.subject).toBe("Your password was changed");
    expect(
      (
        await api.call("POST", "/api/auth/login", {
          body: { email: customer.email, password: customer.password },
        })
      ).status,
    ).toBe(401);
    await tab.getByRole("link", { name: "Sign in with the new password" }).click();
    await signIn(tab, { ...customer, password: NEW_PASSWORD });
  } finally {
    await other.close();
  }
});
