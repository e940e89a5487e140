import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger, currentRequestId } from "../logging/logging.ts";
import { type KitEnv, kitMiddleware, markUnmatched, requestId, routeTemplate } from "./request.ts";

function appWithTemplate() {
  const app = new Hono<KitEnv>();
  const seen: string[] = [];
  app.use(
    kitMiddleware(async (c, next) => {
      await next();
      seen.push(routeTemplate(c));
    }),
  );
  app.notFound((c) => {
    markUnmatched(c);
    return c.text("nope", 404);
  });
  return { app, seen };
}

describe("routeTemplate", () => {
  test("is the matched endpoint's template, also under a sub-app", async () => {
    const { app, seen } = appWithTemplate();
    const sub = new Hono();
    sub.get("/:id/history", (c) => c.text("h"));
    app.route("/payments", sub);
    app.get("/items/:id", (c) => c.text("i"));
    await app.request("/payments/pay_1/history");
    await app.request("/items/42");
    expect(seen).toEqual(["/payments/:id/history", "/items/:id"]);
  });

  test("is the endpoint even when a service middleware answered before it", async () => {
    const { app, seen } = appWithTemplate();
    app.use("/admin/*", async (c) => c.text("denied", 401));
    app.get("/admin/users/:id", (c) => c.text("u"));
    await app.request("/admin/users/7");
    expect(seen).toEqual(["/admin/users/:id"]);
  });

  test("is a catch-all endpoint's pattern (a proxy), and `unmatched` for everything else", async () => {
    const { app, seen } = appWithTemplate();
    app.all("/api/payments/*", (c) => c.text("proxied"));
    await app.request("/api/payments/pay_1", { method: "POST" });
    await app.request("/totally/random/path");
    await app.request("/another");
    expect(seen).toEqual(["/api/payments/*", "unmatched", "unmatched"]);
  });
});

describe("requestId", () => {
  test("runs the request inside a scope loggers read, and echoes the id", async () => {
    const logger = createLogger({ service: "s", destination: createLogCapture().destination });
    const app = new Hono<KitEnv>();
    app.use(requestId(logger));
    app.get("/", (c) => c.json({ scoped: currentRequestId(), variable: c.var.requestId }));
    const res = await app.request("/", { headers: { "x-request-id": "abc.DEF_1-2" } });
    expect(res.headers.get("x-request-id")).toBe("abc.DEF_1-2");
    expect(await res.json()).toEqual({ scoped: "abc.DEF_1-2", variable: "abc.DEF_1-2" });
    const generated = await app.request("/");
    const id = generated.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
