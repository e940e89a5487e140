/**
 * Notifications (docs/adr/0028): a vendor's open page shows a live notification when they are paid — the
 * bell's count rises without a reload (notification.created over the user's WebSocket room) — the centre
 * lists it in words, marks it read, and the same notice arrives by mail in the development mailbox.
 */
import { str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, freshPair, signIn } from "../../support/journeys.ts";
import { waitForMail } from "../../support/mailbox.ts";

test("a vendor's page shows a live notification when paid, and the e-mail arrives", async ({ page }) => {
  test.setTimeout(90_000);
  const { customer, vendor } = await freshPair();
  await signIn(page, vendor);
  const header = page.locator("header.shell-header");
  // Signing in from this browser (the account only knew the test client's) is itself a security notice.
  await expect(header.getByRole("link", { name: "Notifications, 1 unread" })).toBeVisible({
    timeout: 20_000,
  });
  // A mark on this document: if the page reloaded, it would be gone.
  await page.evaluate(() => {
    (window as unknown as { notMarked?: boolean }).notMarked = false;
  });

  const payment = await api.pay(customer.token, vendor.id, 1_234);
  const id = str(payment, "id");
  await expect(header.getByRole("link", { name: "Notifications, 2 unread" })).toBeVisible({
    timeout: 20_000,
  });
  await expect(header.getByTestId("bell-count")).toHaveText("2");
  expect(await page.evaluate(() => (window as unknown as { notMarked?: boolean }).notMarked)).toBe(false);

  await header.getByRole("link", { name: "Notifications, 2 unread" }).click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  const received = page.locator("li.shell-notice").filter({ hasText: "You received $12.34" });
  await expect(received).toContainText(`${customer.name} paid you $12.34.`);
  await expect(
    page.locator("li.shell-notice").filter({ hasText: "New sign-in to your account" }),
  ).toBeVisible();
  await received.getByRole("button", { name: "Mark read" }).click();
  await expect(header.getByRole("link", { name: "Notifications, 1 unread" })).toBeVisible();
  await page.getByRole("button", { name: "Mark all read" }).click();
  await expect(header.getByRole("link", { name: "Notifications, none unread" })).toBeVisible();
  await received.getByRole("link", { name: "Open" }).click();
  await expect(page).toHaveURL(new RegExp(`/payments/${id}$`));

  const { mail, link } = await waitForMail(vendor.email, `/payments/${id}`, { tokenless: true });
  expect(mail.subject).toBe("You received $12.34");
  expect(mail.text).toContain(`${customer.name} paid you $12.34.`);
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);
});
