import { describe, expect, test } from "bun:test";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { validate } from "../validation/validation.ts";
import { ApiError, conflict, type ErrorBody, notFound, rateLimited, unavailable } from "./errors.ts";

function setup(bodyLimitBytes?: number) {
  const capture = createLogCapture();
  const logger = createLogger({ service: "payments", destination: capture.destination });
  const { app } = createServiceApp({ service: "payments", logger, bodyLimitBytes });
  const Payment = z.strictObject({ amount: z.number().int().positive(), currency: z.string().length(3) });
  app.post("/payments", validate("json", Payment), (c) => c.json(c.req.valid("json"), 201));
  app.get("/payments/:id", (c) => {
    if (c.req.param("id") === "sql")
      throw new Error('relation "payments" does not exist: SELECT * FROM payments');
    if (c.req.param("id") === "conflict")
      throw conflict("payment_not_cancelable", "Payment already succeeded.");
    if (c.req.param("id") === "busy") throw rateLimited(2.5);
    if (c.req.param("id") === "down") throw unavailable();
    if (c.req.param("id") === "auth") throw new HTTPException(401, { message: "Unauthorized" });
    throw notFound("No such payment.");
  });
  return { app, capture };
}

const json = (body: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  body,
  headers: { "content-type": "application/json", ...headers },
});

async function errorOf(res: Response): Promise<ErrorBody["error"]> {
  expect(res.headers.get("content-type")).toContain("application/json");
  return ((await res.json()) as ErrorBody).error;
}

describe("uniform error JSON", () => {
  test("zod failure → 400 invalid_request naming the field in param", async () => {
    const { app } = setup();
    const res = await app.request("/payments", json(JSON.stringify({ amount: "12", currency: "usd" })));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: "invalid_request", code: "invalid_request", param: "amount" });
    expect(error.message).toContain('body field "amount"');
    expect(error.message).toContain("expected number");
    expect(error.request_id).toBe(res.headers.get("x-request-id") ?? "missing");
  });

  test("unknown fields are named too", async () => {
    const { app } = setup();
    const res = await app.request(
      "/payments",
      json(JSON.stringify({ amount: 1, currency: "usd", admin: true })),
    );
    expect(res.status).toBe(400);
    expect((await errorOf(res)).param).toBe("admin");
  });

  test("valid input reaches the handler, typed", async () => {
    const { app } = setup();
    const res = await app.request("/payments", json(JSON.stringify({ amount: 1999, currency: "eur" })));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ amount: 1999, currency: "eur" });
  });

  test("malformed JSON → 400 invalid_request malformed_json", async () => {
    const { app } = setup();
    const res = await app.request("/payments", json('{"amount": 1,'));
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request", code: "malformed_json" });
  });

  test("body over the limit → 413, by Content-Length and when streamed without one", async () => {
    const { app } = setup(64);
    const big = JSON.stringify({ amount: 1, currency: "usd", pad: "x".repeat(200) });
    const declared = await app.request("/payments", json(big));
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatchObject({ type: "invalid_request", code: "body_too_large" });

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await app.fetch(
      new Request("http://x/payments", {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      }),
    );
    expect(streamed.status).toBe(413);
  });

  test("unknown error → 500 internal with a generic message; the stack and SQL are only in the log", async () => {
    const { app, capture } = setup();
    const res = await app.request("/payments/sql");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("SELECT");
    expect(text).not.toContain("relation");
    expect(text).not.toMatch(/at .*\.ts/);
    const error = (JSON.parse(text) as ErrorBody).error;
    expect(error).toMatchObject({ type: "internal", code: "internal" });
    expect(error.request_id).toBeTruthy();
    const logged = capture.lines.find((line) => line.msg === "unhandled error");
    expect(JSON.stringify(logged)).toContain("SELECT * FROM payments");
    expect(JSON.stringify(logged)).toContain("errors.test.ts");
    expect(logged?.request_id).toBe(error.request_id);
  });

  test("ApiError helpers keep their status, type, code and headers", async () => {
    const { app } = setup();
    const cases: [string, number, string, string][] = [
      ["conflict", 409, "conflict", "payment_not_cancelable"],
      ["busy", 429, "rate_limited", "rate_limited"],
      ["down", 503, "unavailable", "unavailable"],
      ["auth", 401, "authentication", "unauthenticated"],
      ["other", 404, "not_found", "not_found"],
    ];
    for (const [id, status, type, code] of cases) {
      const res = await app.request(`/payments/${id}`);
      expect(res.status).toBe(status);
      expect(await errorOf(res)).toMatchObject({ type, code });
    }
    expect((await app.request("/payments/busy")).headers.get("retry-after")).toBe("3");
  });

  test("unknown route → 404 uniform JSON, the path not echoed (behind the gateway it is internal)", async () => {
    const { app } = setup();
    const res = await app.request("/nope/42", { method: "DELETE" });
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: "not_found", code: "route_not_found", message: "No such resource." });
    expect(error.message).not.toContain("/nope");
  });

  test("X-Request-Id: a valid incoming id is echoed in the header and the error body", async () => {
    const { app } = setup();
    const res = await app.request("/nope", { headers: { "X-Request-Id": "client-id_1.2-3" } });
    expect(res.headers.get("x-request-id")).toBe("client-id_1.2-3");
    expect((await errorOf(res)).request_id).toBe("client-id_1.2-3");
  });

  test("X-Request-Id: an invalid incoming id is replaced, on success and error alike", async () => {
    const { app } = setup();
    app.get("/ok", (c) => c.json({ id: c.var.requestId }));
    for (const bad of ["has space", "x".repeat(129), "semi;colon", "a%b", "new\\nline"]) {
      const res = await app.request("/ok", { headers: { "X-Request-Id": bad } });
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.json()).toEqual({ id });
    }
    const err = await app.request("/payments/sql", { headers: { "X-Request-Id": "x".repeat(129) } });
    expect(err.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("ApiError is an Error with the client-facing fields", () => {
    const error = new ApiError(400, "invalid_request", "bad_amount", "Amount must be positive.", "amount");
    expect(error).toBeInstanceOf(Error);
    expect([error.status, error.type, error.code, error.message, error.param]).toEqual([
      400,
      "invalid_request",
      "bad_amount",
      "Amount must be positive.",
      "amount",
    ]);
  });
});
