/**
 * E-mail change (docs/adr/0028): on the profile page a signed-in customer asks to use another address with
 * their password; the old address is told, the link mailed to the new one confirms it, and from then on the
 * account signs in with the new address only; the notification centre records the change.
 */
import { TEST_PASSWORD } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, signIn, uniqueWord } from "../../support/journeys.ts";
import { waitForMail } from "../../support/mailbox.ts";

test("change the e-mail address: told at the old one, confirmed from the new one", async ({ page }) => {
  test.setTimeout(90_000);
  const customer = await api.register("customer", uniqueWord("mover"));
  const next = `${uniqueWord("moved")}@example.com`;
  await signIn(page, customer);
  await page.goto("/profile");
  const form = page.getByRole("form", { name: "Change e-mail address" });
  await form.getByLabel("New e-mail address").fill(next);
  await form.getByLabel("Current password").fill(TEST_PASSWORD);
  await form.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText(`We sent a link to ${next}.`)).toBeVisible();

  const notice = await waitForMail(customer.email, "/account/sessions", { tokenless: true });
  expect(notice.mail.subject).toBe("The e-mail address of your account is changing");
  expect(notice.mail.text).toContain(next);
  // Not yet: the account still signs in with its old address.
  const early = await api.call("POST", "/api/auth/login", { body: { email: next, password: TEST_PASSWORD } });
  expect(early.status).toBe(401);

  const { mail, link } = await waitForMail(next, "/account/verify");
  expect(mail.subject).toBe("Confirm your new e-mail address");
  await page.goto(link);
  await expect(page.getByText("Your e-mail address is confirmed.")).toBeVisible();

  const old = await api.call("POST", "/api/auth/login", {
    body: { email: customer.email, password: TEST_PASSWORD },
  });
  expect(old.status).toBe(401);
  const { token } = await api.login({ email: next, password: TEST_PASSWORD });
  const me = await api.call("GET", "/api/auth/me", { token });
  expect(me.json).toMatchObject({ email: next, email_verified: true });
  // The security notice is in the centre (profile heard user.updated [email]).
  await expect
    .poll(
      async () => {
        const res = await api.call("GET", "/api/profile/notifications", { token });
        return (res.json as { data?: { kind: string }[] }).data?.map((n) => n.kind) ?? [];
      },
      { timeout: 15_000 },
    )
    .toContain("email_changed");
});
