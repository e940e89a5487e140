import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { z } from "zod";
import { createServiceApp } from "../app/app.ts";
import type { ErrorBody } from "../errors/errors.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import type { KitEnv } from "../request/request.ts";
import { acceptAnyQuery, declaredQueryKeys } from "./query-policy.ts";
import { validate } from "./validation.ts";

function setup() {
  const logger = createLogger({ service: "s", destination: createLogCapture().destination });
  return createServiceApp({ service: "s", logger }).app;
}

async function errorOf(res: Response) {
  return ((await res.json()) as ErrorBody).error;
}

const List = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

describe("unknown query parameters are refused everywhere (ADR 0015)", () => {
  test("a route with a query schema: unknown names are 400 unknown_parameter, even with z.object", async () => {
    const app = setup();
    app.get("/items", validate("query", List), (c) => c.json(c.req.valid("query")));
    expect((await app.request("/items?limit=5")).status).toBe(200);
    const res = await app.request("/items?limt=5");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: "invalid_request", code: "unknown_parameter", param: "limt" });
    expect(error.message).toBe('Unknown query parameter "limt": this route accepts limit.');
  });

  test("unknown names are reported before a bad value of a known one", async () => {
    const app = setup();
    app.get("/items", validate("query", List), (c) => c.json(c.req.valid("query")));
    expect((await errorOf(await app.request("/items?limit=500&x=1"))).param).toBe("x");
  });

  test("a route without a query schema takes none: a parameter is 400, none is fine", async () => {
    const app = setup();
    app.get("/me", (c) => c.json({ ok: true }));
    app.post("/me/items", validate("json", z.object({ a: z.number() })), (c) => c.json(c.req.valid("json")));
    expect((await app.request("/me")).status).toBe(200);
    expect((await app.request("/me?")).status).toBe(200);
    const res = await app.request("/me?_=1712345678");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: "unknown_parameter", param: "_" });
    expect(error.message).toContain("takes no query parameters");
    const post = await app.request("/me/items?debug=1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(post.status).toBe(400);
    expect((await errorOf(post)).param).toBe("debug");
  });

  test("operator endpoints take none either", async () => {
    const res = await setup().request("/health/live?verbose=1");
    expect(res.status).toBe(400);
  });

  test("routes in a mounted sub-app with its own onError keep their schema's say", async () => {
    const app = setup();
    const items = new Hono<KitEnv>();
    items.onError((error) => {
      throw error;
    });
    items.get("/", validate("query", List), (c) => c.json(c.req.valid("query")));
    items.get("/:id", (c) => c.json({ id: c.req.param("id") }));
    app.route("/items", items);
    expect((await app.request("/items?limit=3")).status).toBe(200);
    expect((await app.request("/items/1?limit=3")).status).toBe(400);
  });

  test("acceptAnyQuery() lets a route read its own query; a looseObject schema opts out too", async () => {
    const app = setup();
    app.get("/ws", acceptAnyQuery(), (c) => c.json({ ticket: c.req.query("ticket") ?? null }));
    app.use("/files/*", acceptAnyQuery());
    app.get("/files/:name", (c) => c.text(c.req.param("name")));
    app.get("/loose", validate("query", z.looseObject({ a: z.string().optional() })), (c) => c.json({}));
    expect(await (await app.request("/ws?ticket=abc")).json()).toEqual({ ticket: "abc" });
    expect((await app.request("/files/app.js?retry=2")).status).toBe(200);
    expect((await app.request("/loose?b=1")).status).toBe(200);
  });

  test("a root catch-all (single-page-app fallback) is no endpoint: its deep links keep their queries", async () => {
    const app = setup();
    app.get("/api/me", (c) => c.json({}));
    app.get("/*", (c) => c.text("index.html"));
    expect((await app.request("/payments?status=succeeded")).status).toBe(200);
    expect((await app.request("/api/me?x=1")).status).toBe(400);
  });

  test("a 404 and a 405 stay what they are, queries or not", async () => {
    const app = setup();
    app.get("/me", (c) => c.json({}));
    expect((await app.request("/nope?x=1")).status).toBe(404);
    expect((await app.request("/me?x=1", { method: "DELETE" })).status).toBe(405);
  });
});

describe("declaredQueryKeys", () => {
  test("reads objects through refinements, wrappers, pipes, unions and intersections", () => {
    const keys = (schema: z.ZodType) => {
      const set = declaredQueryKeys(schema);
      return set === undefined ? undefined : [...set].sort();
    };
    const base = z.object({ a: z.string(), b: z.string().optional() });
    expect(keys(base)).toEqual(["a", "b"]);
    expect(keys(base.refine((q) => q.a !== q.b))).toEqual(["a", "b"]);
    expect(keys(base.transform((q) => q.a))).toEqual(["a", "b"]);
    expect(keys(z.preprocess((v) => v, base))).toEqual(["a", "b"]);
    expect(keys(base.optional().default({ a: "x" }))).toEqual(["a", "b"]);
    expect(keys(z.union([base, z.strictObject({ c: z.string() })]))).toEqual(["a", "b", "c"]);
    expect(keys(z.intersection(base, z.object({ d: z.string() })))).toEqual(["a", "b", "d"]);
    expect(keys(z.looseObject({ a: z.string() }))).toBeUndefined();
    expect(keys(z.object({ a: z.string() }).catchall(z.string()))).toBeUndefined();
    expect(keys(z.record(z.string(), z.string()))).toBeUndefined();
  });
});
