import { describe, expect, test } from "bun:test";
import { paymentsGet } from "@payments/contracts/http";
import { Hono } from "hono";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { routeCoverage } from "./openapi.ts";

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string }>>;
}

function app(service: string, openapi?: false) {
  const logger = createLogger({ service, destination: createLogCapture().destination });
  return createServiceApp({ service, version: "1.2.3", logger, ...(openapi === false ? { openapi } : {}) })
    .app;
}

describe("GET /openapi.json", () => {
  test("is the service's part of the contract, at in-service paths", async () => {
    const res = await app("payments").request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.version).toBe("1.2.3");
    expect(doc.paths["/{id}"]?.get?.operationId).toBe("payments.get");
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/api/"))).toBe(false);
  });

  test("a name the contract does not know has no operations", async () => {
    const doc = (await (await app("s").request("/openapi.json")).json()) as OpenApiDocument;
    expect(doc.paths).toEqual({});
  });

  test("can be turned off", async () => {
    expect((await app("s", false).request("/openapi.json")).status).toBe(404);
  });
});

describe("routeCoverage", () => {
  test("names routes served but not declared, and declared but not served", () => {
    const served = new Hono();
    served.get("/:id", (c) => c.text("x"));
    served.put("/extra", (c) => c.text("x"));
    expect(routeCoverage(served, "payments", [paymentsGet])).toEqual({
      undeclared: ["PUT /extra"],
      missing: [],
    });
    expect(routeCoverage(new Hono(), "payments", [paymentsGet])).toEqual({
      undeclared: [],
      missing: ["GET /:id"],
    });
  });
});
