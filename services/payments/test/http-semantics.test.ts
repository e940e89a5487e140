import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ApiPayment } from "../src/domain/views.ts";
import { adapters, errorOf, type Harness, harnessOnTestDb, newKey, type TestUser } from "./support.ts";

// ADR 0015: 415, 405 + Allow and the unknown-query policy, as the kit applies them to this service's routes.
let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;
beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  vendor = await h.user("vendor");
}, 60_000);
afterAll(() => close());

const paymentBody = () => ({ payee_id: vendor.id, amount: 1200, currency: "usd" });

/** A pending payment (the worker only runs on `drain()`). */
async function pending(): Promise<ApiPayment> {
  const res = await h.request("/", { token: customer.token, key: newKey(), json: paymentBody() });
  expect(res.status).toBe(201);
  return (await res.json()) as ApiPayment;
}

async function rawPost(path: string, headers: Record<string, string>, body?: string): Promise<Response> {
  return await h.app.request(path, {
    method: "POST",
    headers: { authorization: `Bearer ${customer.token}`, "idempotency-key": newKey(), ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

describe(`uniform HTTP semantics (${adapters})`, () => {
  test("POST / with a form-encoded or untyped body → 415, and nothing is created", async () => {
    const before = (await h.events()).length;
    const form = await rawPost("/", { "content-type": "application/x-www-form-urlencoded" }, "amount=1200");
    expect(form.status).toBe(415);
    expect(await errorOf(form)).toMatchObject({ type: "invalid_request", code: "unsupported_media_type" });
    const untyped = await h.app.request("/", {
      method: "POST",
      headers: { authorization: `Bearer ${customer.token}`, "idempotency-key": newKey() },
      body: new TextEncoder().encode(JSON.stringify(paymentBody())),
    });
    expect(untyped.status).toBe(415);
    expect((await h.events()).length).toBe(before);
  });

  test("POST /:id/cancel: its body is optional, so no body works (typed or not); a text body is 415", async () => {
    const first = await pending();
    const text = await rawPost(`/${first.id}/cancel`, { "content-type": "text/plain" }, "duplicate");
    expect(text.status).toBe(415);
    const bare = await rawPost(`/${first.id}/cancel`, {});
    expect(bare.status).toBe(200);
    expect(await bare.json()).toMatchObject({ status: "canceled" });
    const second = await pending();
    const typed = await rawPost(`/${second.id}/cancel`, { "content-type": "application/json" });
    expect(typed.status).toBe(200);
  });

  test("a wrong method on a known path → 405 with Allow; the message names no path", async () => {
    const p = await pending();
    const cases: Array<[method: string, path: string, allow: string]> = [
      ["PUT", `/${p.id}`, "GET, HEAD"],
      ["DELETE", "/", "GET, HEAD, POST"],
      ["GET", `/${p.id}/cancel`, "POST"],
      ["PATCH", `/${p.id}/refunds`, "POST"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await h.request(path, { method, token: customer.token });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      const error = await errorOf(res);
      expect(error.code).toBe("method_not_allowed");
      expect(JSON.stringify(error)).not.toContain(p.id);
    }
  });

  test("unknown query parameters → 400 unknown_parameter naming them, with or without a query schema", async () => {
    const p = await pending();
    const list = await h.request("/?limit=5&sort=desc", { token: customer.token });
    expect(list.status).toBe(400);
    expect(await errorOf(list)).toMatchObject({
      type: "invalid_request",
      code: "unknown_parameter",
      param: "sort",
    });
    expect((await h.request("/?limit=5", { token: customer.token })).status).toBe(200);
    const read = await h.request(`/${p.id}?expand=refunds`, { token: customer.token });
    expect(read.status).toBe(400);
    expect((await errorOf(read)).param).toBe("expand");
  });
});
