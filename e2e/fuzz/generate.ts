/**
 * Malformed requests for one operation: a deterministic catalogue (every property × wrong types, bounds,
 * hostile strings; missing and unknown fields; broken JSON; hostile query, path and header values), topped
 * up with seeded random combinations to the requested count. Each case says whether the documented schema
 * certainly refuses it, so the runner can demand a 4xx for those.
 */
import type { Operation, Schema } from "./openapi.ts";
import {
  ALL_TYPES,
  AUTH_VARIANTS,
  type FuzzContext,
  HOSTILE_IDS,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  pick,
  validValue,
} from "./values.ts";
import { judge, judgeParam } from "./verdict.ts";

/** The body of a case: none, a JSON value, or raw text (broken JSON, other content types). */
export type CaseBody =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; text: string; contentType: string; invalid: boolean };

/** One request to send. `auth` undefined = the operation's valid token. */
export interface FuzzCase {
  label: string;
  pathValues: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: CaseBody;
  auth?: { header: string | undefined; invalid: boolean };
  /** The documented schema certainly refuses this request: a 4xx is required. */
  mustReject: boolean;
}

type Mutation = (c: FuzzCase) => void;
interface Named {
  label: string;
  apply: Mutation;
}

const clone = (c: FuzzCase): FuzzCase => structuredClone(c);

/** The real object a path's `{id}` names (documents may give ids no pattern to guess from). */
function pathId(path: string, name: string, ctx: FuzzContext): string | undefined {
  if (name !== "id") return undefined;
  if (path.startsWith("/api/payments/")) return ctx.paymentId;
  if (path.startsWith("/api/auth/sessions/")) return ctx.sessionId;
  if (path.startsWith("/api/auth/admin/users/")) return ctx.targetUserId;
  return undefined;
}

/** The valid request every mutation starts from. */
export function baseline(op: Operation, ctx: FuzzContext): FuzzCase {
  const pathValues: Record<string, string> = {};
  const query: Array<[string, string]> = [];
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in === "path")
      pathValues[p.name] = pathId(op.path, p.name, ctx) ?? String(validValue(p.schema, p.name, ctx));
    else if (p.in === "query" && p.required) query.push([p.name, String(validValue(p.schema, p.name, ctx))]);
    else if (p.in === "header" && p.name.toLowerCase() === "idempotency-key") headers[p.name] = ctx.nonce();
  }
  let body: CaseBody = { kind: "none" };
  if (op.body) {
    const value = validValue(op.body, "body", ctx) as Record<string, unknown>;
    if (op.path.endsWith("/login")) value.email = ctx.loginEmail;
    // A stale version makes an otherwise valid config write a harmless 409 instead of a change.
    if (op.path === "/api/admin/config" && op.body.properties?.expected_version)
      value.expected_version = 2_000_000_000;
    body = { kind: "json", value };
  }
  return { label: "baseline", pathValues, query, headers, body, mustReject: false };
}

function bodyMutations(op: Operation): Named[] {
  const schema = op.body;
  if (!schema) return [];
  const out: Named[] = [];
  const raw = (label: string, text: string, invalid: boolean, contentType = "application/json") =>
    out.push({
      label: `body=${label}`,
      apply: (c) => {
        c.body = { kind: "raw", text, contentType, invalid };
      },
    });
  const closed = schema.additionalProperties === false;
  raw("empty", "", false);
  raw("not-json", "not json", true);
  raw("truncated", '{"a":', true);
  raw("trailing-garbage", "{}}", true);
  for (const text of ["[]", "null", "0", '"str"', "true"]) raw(`json-${text}`, text, true);
  raw("deep-nesting", `{"x":${"[".repeat(5_000)}${"]".repeat(5_000)}}`, closed);
  raw("2MB", JSON.stringify({ x: "y".repeat(2 * 1024 * 1024) }), closed);
  raw("proto-pollution", '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}', closed);
  raw("duplicate-keys", '{"a":1,"a":2}', closed);
  const json = (c: FuzzCase) => JSON.stringify(c.body.kind === "json" ? c.body.value : {});
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
    out.push({
      label: `content-type=${type}`,
      apply: (c) => {
        c.body = { kind: "raw", text: json(c), contentType: type, invalid: false };
      },
    });
  }
  out.push({ label: "body.extra-field", apply: setField(["unknown_field"], "surprise") });
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    out.push(...fieldMutations([name], prop));
    if (schema.required?.includes(name))
      out.push({ label: `body.${name}=missing`, apply: deleteField([name]) });
    for (const [inner, innerProp] of Object.entries(prop.properties ?? {})) {
      out.push(...fieldMutations([name, inner], innerProp).slice(0, 12));
    }
  }
  return out;
}

function fieldMutations(path: string[], prop: Schema): Named[] {
  const label = `body.${path.join(".")}`;
  const values: Array<[string, unknown]> = ALL_TYPES.map((v) => [`type:${JSON.stringify(v)}`, v]);
  for (const n of HOSTILE_NUMBERS) values.push([`num:${n}`, n]);
  for (const s of HOSTILE_STRINGS) values.push([`str:${s.slice(0, 12)}`, s]);
  if (prop.maxLength !== undefined)
    values.push([`len:${prop.maxLength + 1}`, "a".repeat(prop.maxLength + 1)]);
  if (prop.minimum !== undefined) values.push([`min-1`, prop.minimum - 1]);
  if (prop.maximum !== undefined) values.push([`max+1`, prop.maximum + 1]);
  if (prop.enum)
    values.push(
      ["enum:upper", String(prop.enum[0]).toUpperCase()],
      ["enum:space", ` ${String(prop.enum[0])}`],
    );
  values.push(["huge-string", "z".repeat(100_000)]);
  return values.map(([what, value]) => ({ label: `${label}=${what}`, apply: setField(path, value) }));
}

function setField(path: string[], value: unknown): Mutation {
  return (c) => {
    // A body that is not a JSON object (the Sentry tunnel's envelope is text) gets one to set the field in.
    const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    if (c.body.kind !== "json" || !isObject(c.body.value)) c.body = { kind: "json", value: {} };
    let node = c.body.value as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== "object" || node[key] === null || Array.isArray(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1) ?? "x"] = value;
  };
}

function deleteField(path: string[]): Mutation {
  return (c) => {
    if (c.body.kind === "json" && typeof c.body.value === "object" && c.body.value !== null) {
      delete (c.body.value as Record<string, unknown>)[path[0] ?? ""];
    }
  };
}

const QUERY_VALUES = [
  "",
  "abc",
  "-1",
  "0",
  "1.5",
  "101",
  "99999999999999999999",
  "1e3",
  "true",
  "[]",
  "2026-13-45T99:00:00Z",
];

function paramMutations(op: Operation): Named[] {
  const out: Named[] = [];
  const setQuery = (name: string, value: string) => (c: FuzzCase) => {
    c.query = c.query.filter(([k]) => k !== name);
    c.query.push([name, value]);
  };
  for (const p of op.parameters) {
    if (p.in === "query") {
      for (const v of [...QUERY_VALUES, ...HOSTILE_IDS, ...HOSTILE_STRINGS.slice(0, 20)]) {
        out.push({ label: `query.${p.name}=${v.slice(0, 16)}`, apply: setQuery(p.name, v) });
      }
      out.push({
        label: `query.${p.name}=repeated`,
        apply: (c) => void c.query.push([p.name, "1"], [p.name, "2"]),
      });
    } else if (p.in === "path") {
      for (const v of HOSTILE_IDS) {
        out.push({
          label: `path.${p.name}=${v.slice(0, 16)}`,
          apply: (c) => {
            c.pathValues[p.name] = v;
          },
        });
      }
    } else if (p.in === "header") {
      for (const v of ["", " ", "k".repeat(300), "k".repeat(8_000), "\u00e9\u00e8", "' OR 1=1", "../../x"]) {
        out.push({
          label: `header.${p.name}=${v.slice(0, 12)}`,
          apply: (c) => {
            c.headers[p.name] = v;
          },
        });
      }
      out.push({
        label: `header.${p.name}=missing`,
        apply: (c) => {
          delete c.headers[p.name];
        },
      });
    }
  }
  out.push({ label: "query.unknown", apply: (c) => void c.query.push(["unknown_param", "1"]) });
  out.push({ label: "query.bracket", apply: (c) => void c.query.push(["limit[]", "1"]) });
  return out;
}

function headerMutations(): Named[] {
  const out: Named[] = AUTH_VARIANTS.map(([label, header]) => ({
    label: `auth=${label}`,
    apply: (c: FuzzCase) => {
      c.auth = { header, invalid: true };
    },
  }));
  const extra: Array<[string, string]> = [
    ["x-request-id", "r".repeat(4_000)],
    ["x-request-id", "<script>"],
    ["accept", "application/xml"],
    ["origin", "https://evil.example"],
    ["cookie", "refresh_token=garbage; refresh_token=again"],
    ["x-forwarded-for", "not-an-ip, 999.1.1.1"],
    ["x-http-method-override", "DELETE"],
    ["content-encoding", "gzip"],
    ["traceparent", "00-zzzz-yyyy-01"],
    ["accept-language", "x".repeat(2_000)],
  ];
  for (const [name, value] of extra) {
    out.push({
      label: `header.${name}=${value.slice(0, 12)}`,
      apply: (c) => {
        c.headers[name] = value;
      },
    });
  }
  return out;
}

/** Recomputes whether the schema certainly refuses `c` (after any mix of mutations). */
export function mustReject(op: Operation, c: FuzzCase, authenticated: boolean, base: FuzzCase): boolean {
  if (c.auth?.invalid && authenticated) return true;
  for (const p of op.parameters) {
    if (p.in === "path" && c.pathValues[p.name] !== base.pathValues[p.name]) return true;
    if (p.in === "query") {
      const values = c.query.filter(([k]) => k === p.name);
      if (values.length === 0 && p.required) return true;
      if (values.length === 1 && judgeParam(p.schema, values[0]?.[1] ?? "") === "invalid") return true;
    }
    if (p.in === "header") {
      const value = c.headers[p.name];
      if (value === undefined && p.required) return true;
      if (value !== undefined && judgeParam(p.schema, value) === "invalid") return true;
    }
  }
  if (c.body.kind === "raw") return c.body.invalid;
  if (c.body.kind === "json" && op.body) return judge(op.body, c.body.value) === "invalid";
  return false;
}

/** At least `count` cases for `op`: the catalogue first, then random combinations of two or three. */
export function generateCases(
  op: Operation,
  ctx: FuzzContext,
  opts: { count: number; rnd: () => number; authenticated: boolean },
): FuzzCase[] {
  const base = baseline(op, ctx);
  const catalogue = [...bodyMutations(op), ...paramMutations(op), ...headerMutations()];
  const build = (label: string, mutations: Mutation[]): FuzzCase => {
    const c = clone(base);
    for (const m of mutations) m(c);
    for (const p of op.parameters) {
      // Fresh idempotency keys, so cases never replay one another's answers.
      if (p.in === "header" && c.headers[p.name] === base.headers[p.name]) c.headers[p.name] = ctx.nonce();
    }
    c.label = label;
    c.mustReject = mustReject(op, c, opts.authenticated, base);
    return c;
  };
  const cases = catalogue.map((m) => build(m.label, [m.apply]));
  while (cases.length < opts.count) {
    const picks = Array.from({ length: 2 + Math.floor(opts.rnd() * 2) }, () => pick(opts.rnd, catalogue));
    cases.push(
      build(
        picks.map((p) => p.label).join(" + "),
        picks.map((p) => p.apply),
      ),
    );
  }
  return cases;
}
