/**
 * Developers (issue 23): a vendor creates an API key and a webhook endpoint on the Developers page, the key
 * works through the edge limited to its scope, a customer pays, and the signed delivery reaches the vendor's
 * receiver and shows in the page's delivery log. The page is axe clean and fits 360 px.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, asRecord, str } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { api, freshPair, signIn } from "../../support/journeys.ts";
import { NARROW, overflow, seriousViolations } from "../a11y/audit.ts";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 answering 200 to everything. */
async function receiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test("a vendor creates a key and an endpoint, a customer pays, and the delivery shows in the log", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const hooks = await receiver();
  try {
    const { customer, vendor } = await freshPair();
    await signIn(page, vendor);
    await page.goto("/account/developers");
    await expect(page.getByRole("heading", { level: 1, name: "Developers" })).toBeVisible();

    // An API key that may only read payments.
    const keyForm = page.getByRole("form", { name: "New API key" });
    await keyForm.getByLabel("Key name").fill("Shop backend");
    await keyForm.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByTestId("new-api-key-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^sk_/);
    await expect(page.getByRole("cell", { name: /Shop backend/ })).toBeVisible();

    // The key works through the edge as the vendor, and only for what its scope allows.
    const edge = new Api("edge");
    expect((await edge.call("GET", "/api/payments", { token: secret })).status).toBe(200);
    const refund = await edge.call("POST", `/api/payments/pay_${"0".repeat(26)}/refunds`, {
      token: secret,
      body: { amount: 1 },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(refund.status).toBe(403);

    // An endpoint for payment.succeeded (selected by default).
    const endpointForm = page.getByRole("form", { name: "New webhook endpoint" });
    await endpointForm.getByLabel("Endpoint URL").fill(hooks.url);
    await endpointForm.getByLabel("Description").fill("Order system");
    await endpointForm.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByTestId("new-webhook-secret")).toHaveText(/^whsec_/);
    await expect(page.getByRole("cell", { name: new RegExp(hooks.url) })).toBeVisible();

    // A customer pays; the succeeded payment reaches the receiver, signed, and the log shows it delivered.
    const payment = await api.pay(customer.token, vendor.id, 4_200);
    const id = str(payment, "id");
    await api.waitForStatus(customer.token, id, ["succeeded"]);
    await expect
      .poll(() => hooks.received.map((r) => asRecord(JSON.parse(r.body)).type), { timeout: 30_000 })
      .toContain("payment.succeeded");
    const delivered = hooks.received.find((r) => asRecord(JSON.parse(r.body)).type === "payment.succeeded");
    expect(String(delivered?.headers["webhook-signature"])).toMatch(/^v1,/);
    expect(asRecord(asRecord(JSON.parse(delivered?.body ?? "{}")).data).id).toBe(id);
    const row = page.getByTestId("webhook-delivery").filter({ hasText: "payment.succeeded" });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toContainText("succeeded");
    await expect(row).toContainText("200");

    // Replay from the log: the receiver gets the same webhook-id again.
    const before = hooks.received.length;
    await row.getByRole("button", { name: "Replay" }).click();
    await expect.poll(() => hooks.received.length, { timeout: 15_000 }).toBeGreaterThan(before);
    expect(hooks.received.at(-1)?.headers["webhook-id"]).toBe(delivered?.headers["webhook-id"]);

    // Accessible, and usable on a phone.
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize(NARROW);
    const width = await overflow(page);
    expect(width.scrollWidth, `widest: ${width.widest}`).toBeLessThanOrEqual(width.innerWidth);
  } finally {
    await hooks.close();
  }
});
