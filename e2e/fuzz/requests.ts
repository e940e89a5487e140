/**
 * Valid requests for one operation, as fast-check arbitraries built from the document: path, query and
 * header parameters and the JSON body, each generated from its schema ({@link SchemaArbitraries}), with real
 * ids and values mixed in where a random one would only ever meet a 404 or a business refusal.
 */
import fc from "fast-check";
import { type Hint, SchemaArbitraries, type SchemaNode } from "./arbitrary.ts";

type JsonObject = Record<string, unknown>;

/** An operation as the document states it. */
export interface DocOperation {
  method: string;
  /** Path template, e.g. `/api/payments/{id}`. */
  path: string;
  id: string;
  /** True when the operation needs no credentials (`security: []`). */
  public: boolean;
  raw: JsonObject;
}

/** One request, ready to send. */
export interface ValidRequest {
  method: string;
  /** Path with query string. */
  url: string;
  headers: Record<string, string>;
  /** The JSON body (undefined: none). */
  body: unknown;
}

/** Real values of this run that valid requests should often carry. */
export interface FuzzIds {
  paymentId: string;
  /** Users the acting user may name (payer, payee, the throwaway target). */
  userIds: readonly string[];
  /** The only user an admin's write may target (never a fuzz user or an admin). */
  targetUserId: string;
  /** The acting user's current session (undefined: anonymous). */
  sessionId: string | undefined;
  /** The vendor customers pay. */
  vendorId: string;
  currencies: readonly string[];
  /** The account `auth.login` tries, and its password. */
  login: { email: string; password: string };
  /** The acting user's password (for `current_password`). */
  password: string | undefined;
}

/** Lists the document's operations, sorted by path then method. */
export function docOperations(doc: JsonObject): DocOperation[] {
  const out: DocOperation[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Record<string, JsonObject>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const security = (raw.security ?? doc.security ?? []) as unknown[];
      const id = typeof raw.operationId === "string" ? raw.operationId : `${method} ${path}`;
      out.push({ method: method.toUpperCase(), path, id, public: security.length === 0, raw });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** Mostly `real`, sometimes anything the schema allows. */
function mostly<T>(real: fc.Arbitrary<T>, generated: () => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: real, weight: 4 }, { arbitrary: generated(), weight: 1 });
}

/**
 * Where realistic values matter. Ids by their documented pattern (`^(usr)_…`), so every id field and
 * parameter gets them; then a few fields by name.
 */
function hints(op: DocOperation, ids: FuzzIds, fallback: () => SchemaArbitraries): Hint {
  return (at, schema) => {
    const pattern = typeof schema.pattern === "string" ? schema.pattern : "";
    const name = at.split(".").at(-1) ?? "";
    const gen = () => fallback().of({ ...schema }, `${at}(generated)`);
    if (at.endsWith("(generated)")) return undefined;
    if (at === "path.id" && op.path.startsWith("/api/auth/admin/users/"))
      return mostly(fc.constant(ids.targetUserId), gen);
    if (pattern.startsWith("^(usr)_")) return mostly(fc.constantFrom(...ids.userIds), gen);
    if (pattern.startsWith("^(pay)_")) return mostly(fc.constant(ids.paymentId), gen);
    if (pattern.startsWith("^(ses)_") && ids.sessionId) return mostly(fc.constant(ids.sessionId), gen);
    if (at === "header.idempotency-key") return fc.uuid();
    if (at === "body.payee_id") return mostly(fc.constant(ids.vendorId), gen);
    if (name === "currency" || name === "default_currency")
      return mostly(fc.constantFrom(...ids.currencies), gen);
    if (at === "body.amount") return mostly(fc.integer({ min: 1, max: 20_000 }), gen);
    if (op.id === "auth.login" && at === "body.email") return mostly(fc.constant(ids.login.email), gen);
    if (op.id === "auth.login" && at === "body.password") return mostly(fc.constant(ids.login.password), gen);
    if (op.id === "auth.register" && at === "body.email")
      return mostly(
        fc.uuid().map((u) => `pfuzz-${u.slice(0, 13)}@example.com`),
        gen,
      );
    if (at === "body.current_password" && ids.password) return mostly(fc.constant(ids.password), gen);
    // New passwords must also pass the strength policy the description states (8–128, not guessable).
    if (at === "body.new_password" || (at === "body.password" && op.id !== "auth.login"))
      return mostly(
        fc.uuid().map((u) => `fuzz ${u.slice(0, 23)} staple`),
        gen,
      );
    if (name === "time_zone")
      return mostly(fc.constantFrom("UTC", "Europe/Zurich", "America/New_York", "Asia/Kolkata"), gen);
    // A stale version: the write is refused (409) instead of changing the platform's live configuration
    // under the journeys that run beside the fuzzer.
    // `expected_version` is optional, and a write without it is not checked against the stored version: the
    // body always carries the stale one (generated bodies would otherwise omit it now and then).
    if (op.id === "admin.updateConfig" && at === "body")
      return gen().map((body) => ({ ...(body as object), expected_version: 2_000_000_000 }));
    return undefined;
  };
}

/**
 * Rules between fields that JSON Schema cannot state, as the schemas' descriptions state them: valid
 * requests keep to them. A payment limit's `min_amount` must not exceed its `max_amount`.
 */
function keepCrossFieldRules(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keepCrossFieldRules);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = keepCrossFieldRules(v);
  const { min_amount: min, max_amount: max } = out;
  if (typeof min === "number" && typeof max === "number" && min > max) {
    out.min_amount = max;
    out.max_amount = min;
  }
  return out;
}

/** Swaps `x[gte]` and `x[lte]` when the lower end is above the upper one (numbers or date-times). */
function rangesInOrder(query: Record<string, unknown>): Record<string, unknown> {
  const out = { ...query };
  const order = (v: unknown) => (typeof v === "string" ? Date.parse(v) : Number(v));
  for (const key of Object.keys(query)) {
    const upper = key.replace(/\[gte\]$/, "[lte]");
    if (upper === key || !(upper in query)) continue;
    if (order(query[key]) > order(query[upper])) {
      out[key] = query[upper];
      out[upper] = query[key];
    }
  }
  return out;
}

function queryValue(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "object" && value !== null)
    throw new Error("object query parameters are not generated");
  return [String(value)];
}

/** An arbitrary of valid requests to `op` for a user holding `ids`. */
export function requestArbitrary(
  doc: JsonObject,
  op: DocOperation,
  ids: FuzzIds,
): fc.Arbitrary<ValidRequest> {
  let schemas: SchemaArbitraries | undefined;
  const self = () => {
    schemas ??= new SchemaArbitraries(doc, hints(op, ids, self));
    return schemas;
  };
  const params = (op.raw.parameters ?? []) as JsonObject[];
  const part = (where: string) => {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const p of params.filter((p) => p.in === where)) {
      const name = String(p.name);
      model[name] = self().of((p.schema ?? {}) as SchemaNode, `${where}.${name}`);
      if (p.required === true || where === "path") required.push(name);
    }
    return fc.record(model, { requiredKeys: required });
  };
  const body = (op.raw.requestBody ?? undefined) as JsonObject | undefined;
  const json = ((body?.content ?? {}) as Record<string, JsonObject>)["application/json"]?.schema;
  let bodyArb: fc.Arbitrary<unknown> = fc.constant(undefined);
  if (json) {
    const value = self()
      .of(json as SchemaNode, "body")
      .map(keepCrossFieldRules);
    bodyArb = body?.required === true ? value : fc.option(value, { nil: undefined });
  }
  // Rules between parameters, which OpenAPI cannot state in a schema; valid requests keep to them here.
  // Both cursors at once are refused; a range's `x[gte]` must not be above its `x[lte]`.
  const query = part("query")
    .filter((q) => !("starting_after" in q && "ending_before" in q))
    .map(rangesInOrder);
  return fc.record({ path: part("path"), query, header: part("header"), body: bodyArb }).map((r) => {
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(String(r.path[name])),
    );
    const query = Object.entries(r.query).flatMap(([k, v]) =>
      queryValue(v).map((s) => `${encodeURIComponent(k)}=${encodeURIComponent(s)}`),
    );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.header)) headers[k] = String(v);
    const url = query.length > 0 ? `${path}?${query.join("&")}` : path;
    return { method: op.method, url, headers, body: r.body };
  });
}
