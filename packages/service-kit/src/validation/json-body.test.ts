import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { createServiceApp } from "../app/app.ts";
import type { ErrorBody } from "../errors/errors.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { hasBody, isJsonMediaType } from "./json-body.ts";
import { validate } from "./validation.ts";

const logger = createLogger({ service: "s", destination: createLogCapture().destination });

/** A required body (`/items`) and an optional one (`/items/cancel`, all fields defaulted). */
function setup() {
  const { app } = createServiceApp({ service: "s", logger });
  app.post("/items", validate("json", z.strictObject({ amount: z.number() })), (c) =>
    c.json(c.req.valid("json")),
  );
  app.post(
    "/items/cancel",
    validate("json", z.strictObject({ reason: z.enum(["duplicate", "other"]).default("other") })),
    (c) => c.json(c.req.valid("json")),
  );
  return app;
}

async function errorOf(res: Response) {
  return ((await res.json()) as ErrorBody).error;
}

describe("JSON routes: 415 for a body that is not JSON", () => {
  test("text/plain, form and XML bodies → 415 unsupported_media_type naming application/json", async () => {
    const app = setup();
    for (const contentType of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "application/xml",
      "multipart/form-data; boundary=x",
      "application/jsonp",
    ]) {
      const res = await app.request("/items", {
        method: "POST",
        headers: { "content-type": contentType },
        body: '{"amount":1}',
      });
      expect(res.status, contentType).toBe(415);
      const error = await errorOf(res);
      expect(error).toMatchObject({ type: "invalid_request", code: "unsupported_media_type" });
      expect(error.message).toContain("application/json");
      expect(error.request_id).toBeTruthy();
    }
  });

  test("a body without Content-Type → 415, even on a route whose body is optional", async () => {
    const app = setup();
    for (const path of ["/items", "/items/cancel"]) {
      const res = await app.request(path, { method: "POST", body: new TextEncoder().encode('{"amount":1}') });
      expect(res.status, path).toBe(415);
    }
  });

  test("application/json with charset, any case, and application/*+json are accepted", async () => {
    const app = setup();
    for (const contentType of [
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON;Charset=UTF-8",
      "application/merge-patch+json",
      "application/vnd.payments.v1+json",
    ]) {
      const res = await app.request("/items", {
        method: "POST",
        headers: { "content-type": contentType },
        body: '{"amount":1}',
      });
      expect(res.status, contentType).toBe(200);
      expect(await res.json()).toEqual({ amount: 1 });
    }
  });

  test("no body at all: the schema decides (optional body passes, required body is a 400 naming the field)", async () => {
    const app = setup();
    const optional = await app.request("/items/cancel", { method: "POST" });
    expect(optional.status).toBe(200);
    expect(await optional.json()).toEqual({ reason: "other" });
    // A client that always sends Content-Type: application/json, with or without a body.
    const typed = await app.request("/items/cancel", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "0" },
    });
    expect(typed.status).toBe(200);
    const required = await app.request("/items", { method: "POST" });
    expect(required.status).toBe(400);
    expect(await errorOf(required)).toMatchObject({ code: "invalid_request", param: "amount" });
  });

  test("malformed JSON stays 400 malformed_json", async () => {
    const res = await setup().request("/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"amount":',
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("malformed_json");
  });

  test("over real HTTP: framing decides whether there is a body (Content-Length 0, chunked)", async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: setup().fetch });
    try {
      const post = (path: string, init: RequestInit) =>
        fetch(new URL(path, server.url), { method: "POST", ...init });
      expect((await post("/items/cancel", {})).status).toBe(200);
      expect((await post("/items/cancel", { headers: { "content-type": "application/json" } })).status).toBe(
        200,
      );
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("amount=1"));
          controller.close();
        },
      });
      const res = await post("/items", { body: chunked, headers: { "content-type": "text/plain" } });
      expect(res.status).toBe(415);
    } finally {
      await server.stop(true);
    }
  });
});

describe("helpers", () => {
  test("isJsonMediaType", () => {
    expect(isJsonMediaType("application/json")).toBe(true);
    expect(isJsonMediaType(" application/problem+json ; charset=utf-8")).toBe(true);
    expect(isJsonMediaType("text/json")).toBe(false);
    expect(isJsonMediaType("application/json-seq")).toBe(false);
    expect(isJsonMediaType("")).toBe(false);
    expect(isJsonMediaType(undefined)).toBe(false);
  });

  test("hasBody reads the framing headers first, then the in-process body", () => {
    const url = "http://x/";
    expect(hasBody(new Request(url, { method: "POST" }))).toBe(false);
    expect(hasBody(new Request(url, { method: "POST", headers: { "content-length": "0" } }))).toBe(false);
    expect(hasBody(new Request(url, { method: "POST", headers: { "content-length": "3" } }))).toBe(true);
    expect(hasBody(new Request(url, { method: "POST", headers: { "transfer-encoding": "chunked" } }))).toBe(
      true,
    );
    expect(hasBody(new Request(url, { method: "POST", body: "abc" }))).toBe(true);
  });
});
