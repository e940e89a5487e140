/**
 * The admin dashboard counts payments, not their state changes (issue 18): after payments that went
 * through created → processing → succeeded/failed and a refund, every series counts each payment once, in
 * the bucket of its creation; every minute and day of the window is on the axis, empty ones included; and
 * the page shows the money per currency. Other journeys pay at the same time, so the checks compare the
 * dashboard with itself (one answer) and with lower bounds, never with a fixed total.
 */
import { expect, test } from "../../support/fixtures.ts";
import { adminAccount, adminToken, api, signIn } from "../../support/journeys.ts";
import { demoData } from "../../support/main-pages.ts";

interface Bucket {
  bucket_start: string;
  payments: number;
  by_status: Array<{ status: string; currency: string; count: number; amount: number }>;
}
interface DashboardBody {
  payments: { by_status: Array<{ count: number }>; volume: Array<{ currency: string; captured: number }> };
  series: { minute: Bucket[]; day: Bucket[] };
}

const sum = (buckets: Bucket[]) => buckets.reduce((n, b) => n + b.payments, 0);
const steps = (buckets: Bucket[]) =>
  new Set(
    buckets.slice(1).map((b, i) => Date.parse(b.bucket_start) - Date.parse(buckets[i]?.bucket_start ?? "")),
  );

test("each payment counts once per series, every bucket is on the axis, money per currency", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Four payments (one declined, one refunded in part): eleven state changes and a refund between them.
  await demoData({ customer: "Mary Somerville", vendor: "Fjord Outdoor" });
  const token = await adminToken();
  const res = await api.call("GET", "/api/admin/dashboard?minutes=120&days=30", { token });
  expect(res.status).toBe(200);
  const body = res.json as DashboardBody;
  const total = body.payments.by_status.reduce((n, s) => n + s.count, 0);
  expect(total).toBeGreaterThanOrEqual(4);
  // Every payment of this platform was created within the 30 days: the day series holds each exactly once
  // (one snapshot: admin reads totals and series in one transaction). The last two hours hold ours at least.
  expect(sum(body.series.day)).toBe(total);
  expect(sum(body.series.minute)).toBeGreaterThanOrEqual(4);
  expect(sum(body.series.minute)).toBeLessThanOrEqual(total);
  expect(body.series.minute).toHaveLength(120);
  expect(body.series.day).toHaveLength(30);
  expect(steps(body.series.minute)).toEqual(new Set([60_000]));
  expect(steps(body.series.day)).toEqual(new Set([86_400_000]));
  expect(body.series.minute.filter((b) => b.payments === 0).length).toBeGreaterThan(0);
  const currencies = body.payments.volume.map((v) => v.currency);
  expect(currencies).toEqual(expect.arrayContaining(["eur", "usd"]));

  await signIn(page, adminAccount());
  const volume = page.getByRole("table", { name: /per currency/ });
  await expect(volume.getByRole("row", { name: /EUR/ })).toBeVisible();
  await expect(volume.getByRole("row", { name: /USD/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /Payments created per day/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /Payments created per minute/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /Money captured per day/ })).toBeVisible();
});
