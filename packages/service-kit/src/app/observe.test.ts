import { describe, expect, test } from "bun:test";
import { type Context, Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { createServiceApp } from "./app.ts";

function setup(secureHeaders: "api" | "documents" = "api") {
  const capture = createLogCapture();
  const logger = createLogger({ service: "payments", destination: capture.destination });
  const kit = createServiceApp({ service: "payments", logger, bodyLimitBytes: 16, secureHeaders });
  kit.app.post("/items", (c) => c.json({ ok: true }, 201));
  kit.app.get("/items", (c) => c.json([]));
  return { ...kit, capture };
}

/** Every header but the per-request ones, in a comparable form. */
function headerList(res: Response): string[] {
  return [...res.headers.entries()]
    .filter(([name]) => !["x-request-id", "content-length", "date"].includes(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort();
}

describe("observeRequests: the kit's one middleware (ADR 0026)", () => {
  test("for documents, sets exactly the headers hono's secureHeaders() sets, and replaces a handler's own", async () => {
    const { app } = setup("documents");
    const reference = new Hono();
    reference.use(secureHeaders());
    reference.get("/items", (c) => c.json([]));
    const framed = (c: Context) => {
      c.header("X-Frame-Options", "ALLOWALL");
      c.header("X-Powered-By", "x");
      return c.json({});
    };
    app.get("/framed", framed);
    reference.get("/framed", framed);
    for (const path of ["/items", "/framed"]) {
      const [kit, hono] = await Promise.all([app.request(path), reference.request(path)]);
      expect(headerList(kit)).toEqual(headerList(hono));
      expect(kit.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    }
  });

  test("for an API, sets the three that apply to any response, replaces a handler's own, drops X-Powered-By", async () => {
    const { app } = setup();
    app.get("/framed", (c) => {
      c.header("X-Frame-Options", "ALLOWALL");
      c.header("X-Powered-By", "x");
      return c.json({});
    });
    for (const path of ["/items", "/framed", "/missing"]) {
      const res = await app.request(path);
      expect(headerList(res).filter((line) => !line.startsWith("content-type"))).toEqual([
        "cross-origin-resource-policy: same-origin",
        "x-content-type-options: nosniff",
        "x-frame-options: SAMEORIGIN",
      ]);
    }
  });

  test("a guard's refusal (body limit, query policy) is answered, observed and secured like any response", async () => {
    const { app, capture } = setup();
    const tooBig = await app.request("/items", {
      method: "POST",
      body: "x".repeat(64),
      headers: { "x-request-id": "big-1" },
    });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
    // A chunked body is counted while it is buffered.
    const chunked = await app.request("/items", {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode("xxxx"));
          controller.close();
        },
      }),
    });
    expect(chunked.status).toBe(413);
    const unknown = await app.request("/items?colour=red", { headers: { "x-request-id": "query-1" } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_parameter");
    const small = await app.request("/items", { method: "POST", body: "{}" });
    expect(small.status).toBe(201);
    for (const res of [tooBig, chunked, unknown, small]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
    const lines = capture.lines.filter((line) => line.msg === "request");
    expect(lines.map((line) => [line.method, line.route, line.status])).toEqual([
      ["POST", "/items", 413],
      ["POST", "/items", 413],
      ["GET", "/items", 400],
      ["POST", "/items", 201],
    ]);
    expect(lines[0]?.request_id).toBe("big-1");
    expect(lines[2]?.request_id).toBe("query-1");
  });
});
