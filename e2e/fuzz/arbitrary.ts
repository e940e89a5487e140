/**
 * JSON Schema (2020-12, the subset `buildOpenApi` emits) → fast-check arbitraries of VALID values: type,
 * const, enum, pattern (fc.stringMatching), string/number/array/object bounds, required,
 * additionalProperties (false or a schema, with propertyNames), min/maxProperties, uniqueItems, anyOf/oneOf,
 * type lists (nullable), and `$ref`s into the document's components. Anything else throws: a schema the
 * fuzzer cannot honour must be seen, not silently fuzzed with invalid data.
 */
import fc from "fast-check";
import { formatCheck, withLengths, withoutLookarounds } from "./patterns.ts";

/** A JSON Schema node as it appears in the document. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/**
 * Overrides generation where a realistic value matters more than a random one (real ids, a supported
 * currency, a fresh idempotency key). `at` is where the value goes: `body.payee_id`, `query.limit`,
 * `path.id`, `header.idempotency-key`. Return undefined to generate from the schema.
 */
export type Hint = (at: string, schema: SchemaNode) => fc.Arbitrary<unknown> | undefined;

/** Keywords that only describe: they never narrow the set of valid values. */
const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "$comment",
]);
/** Keywords this converter honours. */
const HANDLED = new Set([
  ...["$ref", "type", "const", "enum", "anyOf", "oneOf", "pattern", "format", "minLength", "maxLength"],
  ...["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items", "minItems"],
  ...["maxItems", "uniqueItems", "properties", "required", "additionalProperties", "propertyNames"],
  ...["minProperties", "maxProperties", "not"],
]);

/** Characters strings are made of: mostly printable ASCII, sometimes any BMP character but surrogates. */
const CHAR = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 0xd7ff }), weight: 1 },
    { arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }), weight: 1 },
  )
  .map((code) => String.fromCharCode(code));

/** Four-digit years only: `toISOString` writes others as `+275760-…`, which no date-time format allows. */
const DATES = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("2199-12-31T23:59:59Z"),
  noInvalidDate: true,
});

/** Larger collections add little but time; documented maxima above this are not reached. */
const MAX_GENERATED_ITEMS = 4;

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

export class SchemaArbitraries {
  constructor(
    private readonly doc: Readonly<Record<string, unknown>>,
    private readonly hint: Hint,
  ) {}

  /** Follows a local `$ref` (`#/components/schemas/X`). */
  resolve(schema: SchemaNode): SchemaNode {
    let node = schema;
    for (let hops = 0; typeof node.$ref === "string"; hops++) {
      if (hops > 20 || !node.$ref.startsWith("#/")) throw new Error(`cannot follow $ref ${node.$ref}`);
      let target: unknown = this.doc;
      for (const part of node.$ref.slice(2).split("/"))
        target = (target as Record<string, unknown> | undefined)?.[part];
      if (typeof target !== "object" || target === null) throw new Error(`dangling $ref ${node.$ref}`);
      const { $ref: _ref, ...siblings } = node;
      node = { ...(target as SchemaNode), ...siblings };
    }
    return node;
  }

  /** An arbitrary of values `schema` accepts. */
  of(raw: SchemaNode, at: string, depth = 0): fc.Arbitrary<unknown> {
    if (depth > 12) throw new Error(`${at}: schema nests too deep to generate`);
    const schema = this.resolve(raw);
    const hinted = this.hint(at, schema);
    if (hinted) return hinted;
    const unknown = Object.keys(schema).filter((k) => !HANDLED.has(k) && !ANNOTATIONS.has(k));
    if (unknown.length > 0) throw new Error(`${at}: cannot generate keywords ${unknown.join(", ")}`);
    if ("const" in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    const { anyOf, oneOf, ...siblings } = schema;
    const union = anyOf ?? oneOf;
    if (Array.isArray(union)) {
      // `{type, properties, anyOf: [...]}` (zod's refinements, e.g. "enabled is false or message is not blank"):
      // each branch narrows the siblings, so each is generated as the two merged.
      const narrows = Object.keys(siblings).some((k) => !ANNOTATIONS.has(k));
      return fc.oneof(
        ...union.map((branch) =>
          this.of(
            narrows ? merge(siblings, this.resolve(branch as SchemaNode)) : (branch as SchemaNode),
            at,
            depth + 1,
          ),
        ),
      );
    }
    const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? this.implicitType(schema, at)];
    return fc.oneof(...types.map((type) => this.ofType(String(type), schema, at, depth)));
  }

  private implicitType(schema: SchemaNode, at: string): string {
    if (schema.properties || schema.additionalProperties !== undefined) return "object";
    if (schema.items) return "array";
    throw new Error(`${at}: schema without a type (${JSON.stringify(schema).slice(0, 80)})`);
  }

  private ofType(type: string, schema: SchemaNode, at: string, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case "null":
        return fc.constant(null);
      case "boolean":
        return fc.boolean();
      case "integer":
      case "number":
        return numberArbitrary(schema, type === "integer");
      case "string":
        return stringArbitrary(schema, at);
      case "array":
        return this.arrayOf(schema, at, depth);
      case "object":
        return this.objectOf(schema, at, depth);
      default:
        throw new Error(`${at}: unknown type ${type}`);
    }
  }

  private arrayOf(schema: SchemaNode, at: string, depth: number): fc.Arbitrary<unknown> {
    const item = this.of((schema.items ?? {}) as SchemaNode, `${at}[]`, depth + 1);
    const minLength = num(schema.minItems) ?? 0;
    const maxLength = Math.max(
      minLength,
      Math.min(num(schema.maxItems) ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS),
    );
    return schema.uniqueItems === true
      ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
      : fc.array(item, { minLength, maxLength });
  }

  private objectOf(schema: SchemaNode, at: string, depth: number): fc.Arbitrary<unknown> {
    const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
    const required = new Set((schema.required ?? []) as string[]);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, prop] of Object.entries(props)) model[name] = this.of(prop, `${at}.${name}`, depth + 1);
    const fixed = fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
    const minKeys = num(schema.minProperties) ?? 0;
    const maxKeys = num(schema.maxProperties) ?? Number.POSITIVE_INFINITY;
    const extra = schema.additionalProperties;
    let arb: fc.Arbitrary<Record<string, unknown>> = fixed;
    if (typeof extra === "object" && extra !== null) {
      const keys = schema.propertyNames
        ? (this.of(schema.propertyNames as SchemaNode, `${at}{key}`, depth + 1) as fc.Arbitrary<string>)
        : fc.string({ unit: CHAR, minLength: 1, maxLength: 20 });
      const values = this.of(extra as SchemaNode, `${at}{}`, depth + 1);
      const room = Math.min(maxKeys, MAX_GENERATED_ITEMS);
      const dict = fc.dictionary(
        keys.filter((k) => !(k in props)),
        values,
        {
          minKeys: Math.min(minKeys, room),
          maxKeys: room,
        },
      );
      arb = fc.tuple(fixed, dict).map(([own, more]) => ({ ...more, ...own }));
    } else if (extra !== false && extra !== undefined) {
      throw new Error(`${at}: additionalProperties ${JSON.stringify(extra)} not supported`);
    }
    // `not: {required: [a, b]}` (a oneOf branch that excludes the other's field): never all of them.
    const not = schema.not as SchemaNode | undefined;
    if (not !== undefined) {
      const absent = not.required;
      if (!Array.isArray(absent) || Object.keys(not).length > 1)
        throw new Error(`${at}: only \`not: {required}\` is generated for objects`);
      arb = arb.map((o) => {
        if (!absent.every((k) => k in o)) return o;
        const { [String(absent.at(-1))]: _dropped, ...rest } = o;
        return rest;
      });
    }
    if (minKeys === 0 && maxKeys === Number.POSITIVE_INFINITY) return arb;
    return arb.filter((o) => Object.keys(o).length >= minKeys && Object.keys(o).length <= maxKeys);
  }
}

/** `a` narrowed by `b` (b's keywords win; properties merge key by key, required lists add up). */
function merge(a: SchemaNode, b: SchemaNode): SchemaNode {
  const out: Record<string, unknown> = { ...a, ...b };
  const pa = (a.properties ?? {}) as Record<string, SchemaNode>;
  const pb = (b.properties ?? {}) as Record<string, SchemaNode>;
  if (a.properties || b.properties) {
    const props: Record<string, SchemaNode> = { ...pa };
    for (const [k, v] of Object.entries(pb)) props[k] = pa[k] ? merge(pa[k], v) : v;
    out.properties = props;
  }
  if (a.required || b.required)
    out.required = [...new Set([...((a.required ?? []) as string[]), ...((b.required ?? []) as string[])])];
  return out;
}

function numberArbitrary(schema: SchemaNode, integer: boolean): fc.Arbitrary<number> {
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  let min = num(schema.minimum) ?? (exMin !== undefined ? exMin + (integer ? 1 : 1e-9) : -1e9);
  let max = num(schema.maximum) ?? (exMax !== undefined ? exMax - (integer ? 1 : 1e-9) : 1e9);
  if (integer) {
    min = Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER);
    max = Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER);
    const step = num(schema.multipleOf);
    if (step)
      return fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((n) => n * step);
    return fc.integer({ min, max });
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
}

function stringArbitrary(schema: SchemaNode, at: string): fc.Arbitrary<string> {
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength);
  const formatOk = formatCheck(schema.format);
  // JSON Schema counts code points; every generated character is one (no surrogates), so .length agrees.
  // A value must satisfy the pattern and the format both (they differ: zod's e-mail pattern allows a
  // domain label ending in `-`, ajv's `email` format does not).
  const fits = (s: string) =>
    s.length >= minLength && (maxLength === undefined || s.length <= maxLength) && formatOk(s);
  const not = schema.not as SchemaNode | undefined;
  if (not !== undefined && (typeof not.pattern !== "string" || Object.keys(not).length > 1))
    throw new Error(`${at}: only \`not: {pattern}\` is generated`);
  const forbidden = typeof not?.pattern === "string" ? new RegExp(not.pattern, "u") : undefined;
  const base = stringOf(schema, at, fits);
  return forbidden ? base.filter((s) => !forbidden.test(s)) : base;
}

/** "No U+0000 anywhere", the document's pattern for request strings that have no pattern of their own. */
const NO_NUL = "^[^\\u0000]*$";

function stringOf(schema: SchemaNode, at: string, fits: (s: string) => boolean): fc.Arbitrary<string> {
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength);
  // Generated as if unpatterned, then without NUL: fc.stringMatching would draw from every code point.
  const pattern = schema.pattern === NO_NUL ? undefined : schema.pattern;
  const ok = schema.pattern === NO_NUL ? (s: string) => fits(s) && !s.includes("\u0000") : fits;
  if (typeof pattern === "string") {
    const full = new RegExp(pattern, "u");
    const generable = withLengths(withoutLookarounds(pattern), minLength, maxLength);
    let arb: fc.Arbitrary<string> = fc.stringMatching(new RegExp(generable, "u"));
    if (generable !== pattern) arb = arb.filter((s) => full.test(s));
    return arb.filter(ok);
  }
  if (schema.format === "date-time") return DATES.map((d) => d.toISOString());
  if (schema.format === "date") return DATES.map((d) => d.toISOString().slice(0, 10));
  if (schema.format === "email") return fc.emailAddress().filter(ok);
  if (schema.format === "uri") return fc.webUrl().filter(ok);
  if (schema.format !== undefined)
    throw new Error(`${at}: format ${String(schema.format)} without a pattern`);
  return fc
    .string({ unit: CHAR, minLength, maxLength: Math.min(maxLength ?? 40, minLength + 40) })
    .filter(ok);
}
