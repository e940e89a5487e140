/**
 * Cancelling from a stale page: the customer's screen still shows the payment pending (the page was
 * opened before the processor settled it), the cancel reaches the server after the payment moved on, and
 * the refusal is shown in words with the request id to quote — no money state changes. (The simulator
 * settles a payment within milliseconds, so a truly pending payment cannot be held for a browser; the
 * successful cancel of a pending payment is proved by the chaos run while the event bus is down.)
 */

import { asRecord, str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, freshPair, signIn } from "../../support/journeys.ts";

// The page's requests must reach page.route directly, not through the service worker.
test.use({ serviceWorkers: "block" });

test("cancelling a payment that has already been processed is refused in words, nothing changes", async ({
  page,
  guard,
}) => {
  guard.allowResponse(409, "POST", /\/api\/payments\/pay_\w+\/cancel$/, "the refusal this journey is about");
  const { customer, vendor } = await freshPair();
  const payment = await api.pay(customer.token, vendor.id, 4_200);
  const id = str(payment, "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);

  // Until the cancel is sent, the page reads the payment as it was when the page was opened: pending.
  let stale = true;
  await page.route(`**/api/payments/${id}/cancel`, (route) => {
    stale = false;
    return route.fallback();
  });
  await page.route(`**/api/payments/${id}`, async (route) => {
    if (route.request().method() !== "GET" || !stale) return route.fallback();
    // Read from the gateway directly (the test process does not trust the edge's CA; the browser does).
    const real = await api.call("GET", `/api/payments/${id}`, { token: customer.token });
    await route.fulfill({ status: 200, json: { ...asRecord(real.json), status: "pending" } });
  });
  let cancelStatus = 0;
  page.on("response", (res) => {
    if (res.url().endsWith(`/api/payments/${id}/cancel`)) cancelStatus = res.status();
  });

  await signIn(page, customer);
  await page.goto(`/payments/${id}`);
  await page.getByRole("button", { name: "Cancel payment" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel this payment?" });
  await dialog.getByRole("button", { name: "Cancel payment" }).click();

  const notice = page.getByRole("alert");
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("Reference:");
  expect(cancelStatus).toBe(409);
  const after = asRecord((await api.call("GET", `/api/payments/${id}`, { token: customer.token })).json);
  expect(after.status).toBe("succeeded");
});
