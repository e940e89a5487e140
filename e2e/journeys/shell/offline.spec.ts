/**
 * Offline, with the service worker (docs/adr/0029): the payments list the customer last saw stays readable
 * when the network is gone, under a notice that it is a saved copy, and the notice leaves once the network
 * is back; an analytics beacon sent while offline is kept by the worker and reaches the gateway later.
 */
import type { Page } from "@playwright/test";
import { gatewayOrigin, readE2eEnv } from "../../support/config.ts";
import { expect, type Guard, test } from "../../support/fixtures.ts";
import { api, freshPair, openAccountLink, signIn, uniqueWord } from "../../support/journeys.ts";

/** Waits for the worker to be active, then reloads so that it controls the page (it claims no clients). */
async function underServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** What going offline on purpose shows in the browser's log. */
function allowOffline(guard: Guard): void {
  guard.allowFailedRequest(/./, /ERR_INTERNET_DISCONNECTED/, "the browser is offline on purpose");
  // The worker answers an API call that fails (no saved copy, a queued beacon) with a network error.
  guard.allowFailedRequest(/\/api\//, /ERR_FAILED/, "the worker could not reach the API either");
  guard.allowConsoleError(/WebSocket connection to .* failed/, "the live connection retries while offline");
}

/** The gateway's own metrics (an operator endpoint; the edge refuses it). */
async function gatewayMetrics(): Promise<string> {
  const res = await fetch(`${gatewayOrigin(readE2eEnv())}/metrics`);
  return res.text();
}

test("the last payments list stays readable offline, marked as a saved copy", async ({
  page,
  context,
  guard,
}) => {
  allowOffline(guard);
  const { customer, vendor, vendorWord } = await freshPair();
  await api.pay(customer.token, vendor.id, 4_321);
  await signIn(page, customer);
  await underServiceWorker(page);
  const row = page.getByRole("main").getByText(vendorWord).first();
  await expect(row).toBeVisible();
  // The list was read through the worker and kept for this user (the key names the user, never shared).
  await expect
    .poll(() =>
      page.evaluate(async () => (await (await caches.open("api-reads")).keys()).map((r) => r.url).join(" ")),
    )
    .toContain(`__user=${customer.id}`);

  await openAccountLink(page, "Preferences");
  await expect(page).toHaveURL(/\/preferences$/);
  await context.setOffline(true);
  // The list the page holds is older than the shell's 15 s staleTime, so opening it asks the network again,
  // as it would for someone coming back to the app a while later.
  await page.waitForTimeout(16_000);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Payments" }).click();
  const notice = page.getByRole("status").filter({ hasText: "Showing a saved copy" });
  await expect(notice).toBeVisible();
  // The preferences may be a saved copy too (also read network-first): the notice names every one.
  await expect(notice).toContainText(
    /Showing (the preferences as loaded on .* and )?the payments list as loaded on/,
  );
  await expect(row).toBeVisible();

  // Back online, the list is read afresh and the notice goes.
  await context.setOffline(false);
  await expect(notice).toBeHidden({ timeout: 20_000 });
  await expect(row).toBeVisible();

  // Signing out deletes the saved reads.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect
    .poll(() => page.evaluate(async () => (await (await caches.open("api-reads")).keys()).length))
    .toBe(0);
});

test("a beacon sent while offline is kept by the worker and arrives when the browser is back online", async ({
  page,
  context,
  guard,
}) => {
  test.setTimeout(120_000);
  allowOffline(guard);
  await page.goto("/account/login");
  await underServiceWorker(page);
  await context.setOffline(true);
  // A page view of a route no other test visits: its own metric label.
  const route = `/nowhere-${uniqueWord("beacon")}`;
  await page.evaluate((path) => {
    history.pushState(null, "", path);
    dispatchEvent(new PopStateEvent("popstate"));
  }, route);
  // Beacons the worker keeps (Workbox's queue in IndexedDB). The connection is closed at once: one left
  // open would block the worker's own upgrade of the database.
  const queued = () =>
    page.evaluate(async () => {
      const all = await indexedDB.databases();
      if (!all.some((db) => db.name === "workbox-background-sync")) return 0;
      return new Promise<number>((resolve) => {
        const open = indexedDB.open("workbox-background-sync");
        open.onerror = () => resolve(-1);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("requests")) {
            db.close();
            resolve(0);
            return;
          }
          const count = db.transaction("requests").objectStore("requests").count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => {
            db.close();
            resolve(-1);
          };
        };
      });
    });
  // The shell sends its queue every 10 s; offline, the worker keeps the batch.
  await expect.poll(queued, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await gatewayMetrics()).not.toContain(`route="${route}"`);

  await context.setOffline(false);
  // The page asks the worker to replay at 0, 5, 15 and 30 s after `online` (pwa/offline.ts): wait past the last.
  await expect
    .poll(gatewayMetrics, { timeout: 45_000 })
    .toMatch(new RegExp(`^frontend_page_views_total\\{[^}]*route="${route}"[^}]*\\} 1$`, "m"));
  await expect.poll(queued).toBe(0);
});
