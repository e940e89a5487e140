import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOpenApi, OPERATIONS } from "@payments/contracts/http";
import { generatedFiles, HEADER, type OpenApiDocument, routesModule, staleFiles } from "./files.ts";

const document = buildOpenApi(OPERATIONS) as unknown as OpenApiDocument;
const files = await generatedFiles(document);
const dir = mkdtempSync(join(tmpdir(), "codegen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the generated browser client", () => {
  it("types every operation of the contract and maps each to its method and public path", () => {
    expect(Object.keys(files).sort()).toEqual([
      "openapi.ts",
      "routes.ts",
      "validators.d.ts",
      "validators.js",
    ]);
    for (const text of Object.values(files)) expect(text.startsWith(HEADER)).toBe(true);
    for (const op of OPERATIONS) expect(files["openapi.ts"]).toContain(`"${op.id}": {`);
    expect(files["routes.ts"]).toContain('"payments.create": ["POST", "/api/payments"],');
    expect(files["routes.ts"]).toContain('"analytics.send": ["POST", "/api/analytics"],');
    const routes = (files["routes.ts"] ?? "").split("\n").filter((l) => l.startsWith('  "'));
    expect(routes).toHaveLength(OPERATIONS.length);
    expect([...routes].sort()).toEqual(routes);
  });

  it("lists routes by operationId, whatever order the document has them in", () => {
    const text = routesModule({
      paths: { "/b": { get: { operationId: "z.read" } }, "/a": { post: { operationId: "a.make" } } },
      components: { schemas: {} },
    });
    expect(text).toContain('  "a.make": ["POST", "/a"],\n  "z.read": ["GET", "/b"],');
  });

  it("compiles run-time checks of the error body and the session grant from the contract's schemas", async () => {
    const file = join(dir, "validators.js");
    writeFileSync(file, files["validators.js"] ?? "");
    const { isError, isSignedIn } = (await import(file)) as Record<string, (value: unknown) => boolean>;
    const error = { error: { type: "not_found", code: "x", message: "No.", request_id: "req_1" } };
    expect(isError?.(error)).toBe(true);
    expect(isError?.({ error: { ...error.error, type: "teapot" } })).toBe(false);
    expect(isError?.({ message: "proxy page" })).toBe(false);
    expect(isSignedIn?.({ access_token: "", expires_in: 0 })).toBe(false);
    expect(files["validators.d.ts"]).toContain("export declare function isSignedIn(value: unknown)");
  });

  it("finds a committed file stale when it differs other than in whitespace, or is missing", () => {
    const generated = { "a.ts": "const a = 1;\n", "b.ts": "const b = 2;\n", "c.ts": "x" };
    const committed: Record<string, string> = { "a.ts": "const  a =\n 1;", "b.ts": "const b = 3;" };
    expect(staleFiles(generated, (name) => committed[name])).toEqual(["b.ts", "c.ts"]);
  });
});
