import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { buildOpenApi, NO_NUL_PATTERN } from "./openapi.ts";
import { operation } from "./operation.ts";

/** The request body schema `buildOpenApi` documents for `body`. */
function documented(body: z.ZodType): Record<string, Record<string, unknown>> {
  const op = operation({
    service: "payments",
    id: "payments.probe",
    method: "post",
    path: "/probe",
    summary: "Probe",
    tags: ["payments"],
    security: "bearer",
    body,
    responses: { 204: { description: "Done" } },
  });
  const doc = buildOpenApi([op]) as {
    paths: Record<string, { post: { requestBody: { content: { "application/json": { schema: object } } } } }>;
  };
  const schema = doc.paths["/api/payments/probe"]?.post.requestBody.content["application/json"].schema;
  return (schema as { properties: Record<string, Record<string, unknown>> }).properties;
}

describe("request strings state that U+0000 is refused (service-kit's validate refuses it everywhere)", () => {
  const props = documented(
    z.strictObject({
      free: z.string().max(10),
      nullable: z.string().nullable(),
      id: z.string().regex(/^(usr)_[0-9a-z]{26}$/),
      blank: z.string().regex(/\S/),
      choice: z.enum(["a", "b"]),
      record: z.record(z.string(), z.string()),
    }),
  );

  test("a string without a pattern gets one", () => {
    expect(props.free?.pattern).toBe(NO_NUL_PATTERN);
    expect(JSON.stringify(props.nullable)).toContain(JSON.stringify(NO_NUL_PATTERN));
    expect(props.record?.propertyNames).toMatchObject({ pattern: NO_NUL_PATTERN });
    expect(new RegExp(NO_NUL_PATTERN, "u").test("a\u0000b")).toBe(false);
    expect(new RegExp(NO_NUL_PATTERN, "u").test("ok")).toBe(true);
  });

  test("a pattern that may match NUL gets `not` beside it; one that cannot, and enums, stay as they are", () => {
    expect(props.blank).toMatchObject({ pattern: "\\S", not: { pattern: "\\u0000" } });
    expect(props.id?.not).toBeUndefined();
    expect(props.choice?.pattern).toBeUndefined();
  });
});
