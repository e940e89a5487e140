/**
 * Helpers of the payments-UI journeys: payments made through the API with a description (setting up data
 * is not what these journeys test), settled before the page is opened, and the phone-width checks.
 */
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { asRecord, str } from "../../support/api.ts";
import { api } from "../../support/journeys.ts";

/** A payment as the API answered its creation. */
export interface Made {
  id: string;
  description: string | null;
  amount: number;
}

/**
 * Pays `payeeId` with a description and waits until the worker has settled it (succeeded or failed), so
 * the pages show a final state. The vendor is searchable already (`freshPair` waited for it).
 */
export async function paySettled(
  token: string,
  payeeId: string,
  amount: number,
  description: string | null,
  currency = "usd",
): Promise<Made> {
  const res = await api.call("POST", "/api/payments", {
    token,
    body: { payee_id: payeeId, amount, currency, ...(description ? { description } : {}) },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(res.status, res.text).toBe(201);
  const id = str(asRecord(res.json), "id");
  await api.waitForStatus(token, id, ["succeeded", "failed"]);
  return { id, description, amount };
}

/** The page scrolls sideways at this width: what a phone user would have to pan to read. */
export async function expectNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(
    scrollWidth,
    `${what}: document ${scrollWidth}px wide in a ${innerWidth}px window`,
  ).toBeLessThanOrEqual(innerWidth);
}

/** A full-page screenshot under this test's output folder, named for the page and the width. */
export async function screenshot(page: Page, path: string): Promise<void> {
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
}

/** No box matching `selector` has content sticking out of it (a figure cut off by its card). */
export async function expectNothingSpills(page: Page, selector: string): Promise<void> {
  const spilling = await page
    .locator(selector)
    .evaluateAll((nodes) =>
      nodes.filter((n) => n.scrollWidth > n.clientWidth + 1).map((n) => n.textContent?.slice(0, 60) ?? ""),
    );
  expect(spilling, `${selector} whose content is wider than the box`).toEqual([]);
}
