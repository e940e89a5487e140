import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { ErrorBody } from "../errors/errors.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { parseExposition } from "../metrics/exposition.ts";
import type { KitEnv } from "../request/request.ts";
import { createServiceApp } from "./app.ts";
import { createAllowLookup, createNotFoundHandler } from "./not-found.ts";

function setup() {
  const logger = createLogger({ service: "s", destination: createLogCapture().destination });
  const { app } = createServiceApp({ service: "s", logger });
  const me = new Hono<KitEnv>();
  me.get("/", (c) => c.json({}));
  me.patch("/", (c) => c.json({}));
  me.get("/preferences", (c) => c.json({}));
  app.route("/me", me);
  app.post("/payments/:id/cancel", (c) => c.json({}));
  app.delete("/sessions/:id{ses_[a-z0-9]+}", (c) => c.body(null, 204));
  return app;
}

async function errorOf(res: Response) {
  return ((await res.json()) as ErrorBody).error;
}

describe("405 Method Not Allowed", () => {
  test("a known path with another method → 405, Allow listing its methods (HEAD with GET), no path in the message", async () => {
    const app = setup();
    const res = await app.request("/me", { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PATCH");
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: "invalid_request", code: "method_not_allowed" });
    expect(error.message).toBe("This method is not allowed here; use GET, HEAD, PATCH.");
    expect(error.request_id).toBeTruthy();
    expect(res.headers.get("x-request-id")).toBe(error.request_id);
  });

  test("path parameters and their patterns are matched as the router does", async () => {
    const app = setup();
    const cancel = await app.request("/payments/pay_1/cancel");
    expect(cancel.status).toBe(405);
    expect(cancel.headers.get("allow")).toBe("POST");
    expect((await app.request("/sessions/ses_abc")).headers.get("allow")).toBe("DELETE");
    // The pattern does not match: no such resource, whatever the method.
    expect((await app.request("/sessions/other")).status).toBe(404);
  });

  test("HEAD is answered where GET is, and 405 + Allow (no body) where it is not", async () => {
    const app = setup();
    expect((await app.request("/me/preferences", { method: "HEAD" })).status).toBe(200);
    const res = await app.request("/payments/pay_1/cancel", { method: "HEAD" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await res.text()).toBe("");
  });

  test("OPTIONS is served by no route: 405 with the Allow it would report", async () => {
    const res = await setup().request("/me", { method: "OPTIONS" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PATCH");
  });

  test("operator endpoints too", async () => {
    const res = await setup().request("/metrics", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  test("unknown paths stay 404, and both are filed under the unmatched route label", async () => {
    const logger = createLogger({ service: "s", destination: createLogCapture().destination });
    const { app } = createServiceApp({ service: "s", logger });
    app.get("/me", (c) => c.json({}));
    expect((await app.request("/me/nothing")).status).toBe(404);
    expect((await app.request("/me", { method: "DELETE" })).status).toBe(405);
    const families = parseExposition(await (await app.request("/metrics")).text());
    const routes = families
      .filter((family) => family.name === "http_requests_total")
      .flatMap((family) => family.samples.map((sample) => sample.labels.route));
    expect(routes).toContain("unmatched");
    expect(routes).not.toContain("/me");
  });

  test("a route that passes its own method on (next()) ends in a 404, not a 405 naming that method", async () => {
    const app = setup();
    app.get("/files/:name", async (_c, next) => next());
    app.put("/files/:name", (c) => c.json({}));
    expect((await app.request("/files/a.txt")).status).toBe(404);
  });
});

describe("createAllowLookup", () => {
  test("ignores middleware, all() routes and root catch-alls; picks up routes added later", () => {
    const app = new Hono();
    app.use("*", async (_c, next) => next());
    app.all("/proxy/*", (c) => c.text(""));
    app.get("/*", (c) => c.text("spa"));
    app.post("/ticket", (c) => c.text(""));
    const allowed = createAllowLookup(app);
    expect(allowed("/ticket")).toEqual(["POST"]);
    expect(allowed("/proxy/x")).toEqual([]);
    expect(allowed("/anything")).toEqual([]);
    app.get("/ticket", (c) => c.text(""));
    expect(allowed("/ticket")).toEqual(["GET", "HEAD", "POST"]);
  });

  test("works for any Hono app, e.g. one composed around a kit app", async () => {
    const logger = createLogger({ service: "s", destination: createLogCapture().destination });
    const kit = createServiceApp({ service: "s", logger });
    kit.app.post("/api/realtime/ticket", (c) => c.json({}));
    const outer = new Hono<KitEnv>();
    outer.all("/api/auth/*", (c) => c.text("proxied"));
    outer.route("/", kit.app);
    outer.notFound(createNotFoundHandler(outer));
    const res = await outer.request("/api/realtime/ticket");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect((await outer.request("/api/auth/me", { method: "PUT" })).status).toBe(200);
  });
});
