import { describe, expect, expectTypeOf, test } from "bun:test";
import { z } from "zod";
import { createServiceApp } from "../app/app.ts";
import type { ErrorBody } from "../errors/errors.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { validate, validationError } from "./validation.ts";

function setup() {
  const logger = createLogger({ service: "s", destination: createLogCapture().destination });
  return createServiceApp({ service: "s", logger }).app;
}

async function errorOf(res: Response) {
  return ((await res.json()) as ErrorBody).error;
}

describe("validate", () => {
  test("query: coerced and typed; failures name the parameter", async () => {
    const app = setup();
    const List = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
    app.get("/items", validate("query", List), (c) => {
      const query = c.req.valid("query");
      expectTypeOf(query).toEqualTypeOf<{ limit: number }>();
      return c.json(query);
    });
    expect(await (await app.request("/items?limit=5")).json()).toEqual({ limit: 5 });
    expect(await (await app.request("/items")).json()).toEqual({ limit: 20 });
    const res = await app.request("/items?limit=500");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.param).toBe("limit");
    expect(error.message).toContain('query parameter field "limit"');
  });

  test("param and header targets", async () => {
    const app = setup();
    app.get(
      "/items/:id",
      validate("param", z.object({ id: z.string().regex(/^itm_[a-z0-9]+$/) })),
      validate("header", z.object({ "idempotency-key": z.string().min(8).max(64) })),
      (c) => {
        const { id } = c.req.valid("param");
        const headers = c.req.valid("header");
        expectTypeOf(id).toEqualTypeOf<string>();
        return c.json({ id, key: headers["idempotency-key"] });
      },
    );
    const ok = await app.request("/items/itm_1", { headers: { "Idempotency-Key": "abcdefgh" } });
    expect(await ok.json()).toEqual({ id: "itm_1", key: "abcdefgh" });
    // A path parameter its schema refuses names nothing that can exist: 404, not 400.
    const bad = await app.request("/items/BAD", { headers: { "Idempotency-Key": "abcdefgh" } });
    expect(bad.status).toBe(404);
    expect((await errorOf(bad)).code).toBe("resource_missing");
    expect((await errorOf(await app.request("/items/itm_1"))).param).toBe("idempotency-key");
  });

  test("a NUL character anywhere in a valid body is refused with 400 naming the field (Postgres cannot store it)", async () => {
    const app = setup();
    const Body = z.object({ note: z.object({ lines: z.array(z.string().max(50)) }) });
    app.post("/notes", validate("json", Body), (c) => c.json(c.req.valid("json")));
    const post = (body: unknown) =>
      app.request("/notes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ note: { lines: ["fine"] } })).status).toBe(200);
    const res = await post({ note: { lines: ["fine", "bad\u0000"] } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).param).toBe("note.lines.1");
  });

  test("nested paths are joined with dots", async () => {
    const app = setup();
    const Body = z.object({ items: z.array(z.object({ amount: z.number() })).max(10) });
    app.post("/batch", validate("json", Body), (c) => c.json(c.req.valid("json")));
    const res = await app.request("/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ amount: 1 }, { amount: "2" }] }),
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).param).toBe("items.1.amount");
  });
});

describe("validationError", () => {
  test("reports the first issue and counts the rest; no path means no param", () => {
    const error = validationError("json", [
      { message: "Bad", path: [] },
      { message: "Other", path: ["x"] },
    ]);
    expect(error.param).toBeUndefined();
    expect(error.message).toBe("Invalid body: Bad (and 1 more issue)");
    expect(validationError("json", [{ message: "m", path: [{ key: "a" }, { key: 0 }] }]).param).toBe("a.0");
  });
});
