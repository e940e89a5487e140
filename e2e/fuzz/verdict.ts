/**
 * A deliberately partial JSON Schema check: it answers `invalid` only when the documented schema certainly
 * refuses a value (wrong type, out of bounds, too long, not in the enum, pattern mismatch, unknown or
 * missing property), `unknown` when it cannot tell (formats, unions, zod refinements it cannot see). The
 * fuzzer then requires a 4xx exactly for the certainly-invalid requests.
 */
import { nullable, type Schema, typeOf } from "./openapi.ts";

/** The outcome of {@link judge}. */
export type Verdict = "valid" | "invalid" | "unknown";

function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.includes("invalid")) return "invalid";
  if (verdicts.includes("unknown")) return "unknown";
  return "valid";
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Strings with astral characters: zod counts UTF-16 units, JSON Schema code points; length is unclear. */
const ASTRAL = /[\uD800-\uDFFF]/;

function judgeString(schema: Schema, value: string): Verdict {
  const out: Verdict[] = [];
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    out.push(ASTRAL.test(value) && value.length <= schema.maxLength * 2 ? "unknown" : "invalid");
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) out.push("invalid");
  if (schema.pattern) {
    try {
      out.push(new RegExp(schema.pattern, "u").test(value) ? "valid" : "invalid");
    } catch {
      out.push("unknown");
    }
  }
  // Formats (email, date-time, uuid) have refinements beyond the pattern: only a pattern failure is certain.
  if (schema.format && !schema.pattern) out.push("unknown");
  return combine(out);
}

function judgeNumber(schema: Schema, value: number): Verdict {
  if (!Number.isFinite(value)) return "invalid";
  if (schema.minimum !== undefined && value < schema.minimum) return "invalid";
  if (schema.maximum !== undefined && value > schema.maximum) return "invalid";
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return "invalid";
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return "invalid";
  return "valid";
}

/** Judges a JSON value against `schema`. */
export function judge(schema: Schema, value: unknown, depth = 0): Verdict {
  if (depth > 30) return "unknown";
  if (value === undefined) return "valid";
  if (schema.anyOf || schema.oneOf || schema.allOf) {
    const branches = schema.anyOf ?? schema.oneOf ?? [];
    const verdicts = branches.map((b) => judge(b, value, depth + 1));
    if (verdicts.includes("valid")) return "valid";
    return verdicts.every((v) => v === "invalid") && !schema.allOf ? "invalid" : "unknown";
  }
  if (value === null) return nullable(schema) ? "valid" : typeOf(schema) ? "invalid" : "unknown";
  if (schema.enum) return schema.enum.includes(value) ? "valid" : "invalid";
  if (schema.const !== undefined) return schema.const === value ? "valid" : "invalid";
  const type = typeOf(schema);
  if (!type) return "unknown";
  const actual = jsonType(value);
  const typeOk = actual === type || (type === "number" && actual === "integer");
  if (!typeOk) return "invalid";
  switch (type) {
    case "string":
      return judgeString(schema, value as string);
    case "integer":
    case "number":
      return judgeNumber(schema, value as number);
    case "array": {
      const items = value as unknown[];
      if (schema.maxItems !== undefined && items.length > schema.maxItems) return "invalid";
      if (schema.minItems !== undefined && items.length < schema.minItems) return "invalid";
      return combine(items.map((item) => (schema.items ? judge(schema.items, item, depth + 1) : "unknown")));
    }
    case "object":
      return judgeObject(schema, value as Record<string, unknown>, depth);
    default:
      return "valid";
  }
}

function judgeObject(schema: Schema, value: Record<string, unknown>, depth: number): Verdict {
  const out: Verdict[] = [];
  const props = schema.properties ?? {};
  for (const name of schema.required ?? []) {
    // A documented default means zod fills the field in: missing is then fine.
    if (!(name in value) && props[name]?.default === undefined) out.push("invalid");
  }
  for (const [key, v] of Object.entries(value)) {
    const prop = props[key];
    if (prop) out.push(judge(prop, v, depth + 1));
    else if (schema.additionalProperties === false) out.push("invalid");
    else if (typeof schema.additionalProperties === "object") {
      out.push(judge(schema.additionalProperties, v, depth + 1));
      if (schema.propertyNames) out.push(judge(schema.propertyNames, key, depth + 1));
    } else out.push("unknown");
  }
  return combine(out);
}

/**
 * Judges a query or path value (always a string on the wire) against a schema that may be numeric or
 * boolean after zod's coercion. Only clear-cut cases are `invalid`.
 */
export function judgeParam(schema: Schema, raw: string): Verdict {
  const type = typeOf(schema);
  if (schema.enum) return schema.enum.map(String).includes(raw) ? "valid" : "invalid";
  if (type === "integer" || type === "number") {
    // zod's coerce is the most lenient reading (Number(raw)): what it refuses, any implementation refuses.
    const n = Number(raw);
    if (Number.isNaN(n)) return "invalid";
    if (type === "integer" && !Number.isInteger(n)) return "invalid";
    return raw.trim() === "" ? "unknown" : judgeNumber(schema, n);
  }
  if (type === "boolean") return ["true", "false"].includes(raw) ? "valid" : "unknown";
  if (type === "string") return judgeString(schema, raw);
  return "unknown";
}
