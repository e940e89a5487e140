import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { validate } from "../validation/validation.ts";
import { describeRoute, resolver } from "./openapi.ts";

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

function setup() {
  const logger = createLogger({ service: "payments", destination: createLogCapture().destination });
  const { app } = createServiceApp({ service: "payments", version: "1.2.3", logger });
  const CreatePayment = z.strictObject({
    amount: z.number().int().positive().max(100_000_000),
    currency: z.string().regex(/^[a-z]{3}$/),
    payee_id: z.string().max(64),
  });
  app.post(
    "/payments",
    describeRoute({
      summary: "Create a payment",
      responses: {
        201: { description: "Created", content: { "application/json": { schema: resolver(CreatePayment) } } },
      },
    }),
    validate("json", CreatePayment),
    (c) => c.json(c.req.valid("json"), 201),
  );
  app.get("/payments/:id", validate("param", z.object({ id: z.string().max(40) })), (c) => c.json({}));
  return app;
}

describe("GET /openapi.json", () => {
  test("lists validated routes with their request schemas, as OpenAPI 3.1", async () => {
    const app = setup();
    const res = await app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "payments", version: "1.2.3" });

    const create = doc.paths["/payments"]?.post;
    expect(create?.summary).toBe("Create a payment");
    expect(create?.requestBody).toEqual({
      required: true,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              amount: { type: "integer", exclusiveMinimum: 0, maximum: 100_000_000 },
              currency: { type: "string", pattern: "^[a-z]{3}$" },
              payee_id: { type: "string", maxLength: 64 },
            },
            required: ["amount", "currency", "payee_id"],
            additionalProperties: false,
          },
        },
      },
    });
    // Validation failures are documented with the kit's error body, not hono-openapi's default.
    const invalid = JSON.stringify(create?.responses);
    expect(invalid).toContain("request_id");
    expect(invalid).toContain("invalid_request");

    const read = doc.paths["/payments/{id}"]?.get;
    expect(read?.parameters).toEqual([
      { in: "path", name: "id", required: true, schema: { type: "string", maxLength: 40 } },
    ]);
  });

  test("leaves the operator endpoints out", async () => {
    const doc = (await (await setup().request("/openapi.json")).json()) as OpenApiDocument;
    expect(Object.keys(doc.paths).sort()).toEqual(["/payments", "/payments/{id}"]);
  });

  test("can be turned off", async () => {
    const logger = createLogger({ service: "s", destination: createLogCapture().destination });
    const { app } = createServiceApp({ service: "s", logger, openapi: false });
    expect((await app.request("/openapi.json")).status).toBe(404);
  });
});
