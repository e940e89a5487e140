import { z } from "zod";
import {
  components,
  errorBodySchema,
  type OperationSpec,
  publicPath,
  type ResponseSpec,
  type Service,
} from "./operation.ts";

/**
 * The OpenAPI 3.1 document, built from the operations alone: no service has to run, so the gateway serves
 * it, the client generator reads it and CI lints it from the same function.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const REF_PREFIX = "#/components/schemas/";

/** Why each status every route may answer happens (the route's own statuses are listed with it). */
const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request: `error.param` names the first offending field",
  401: "Missing, expired or invalid credentials",
  403: "Signed in, but not allowed to do this",
  404: "Not found (also what others' resources look like)",
  409: "Conflict with the resource's current state",
  413: "Request body larger than the gateway accepts",
  415: "The body is not `application/json`",
  422: "Idempotency-Key reused with a different request",
  429: "Too many requests: wait `Retry-After` seconds",
  500: "Unexpected error (reported with the request id)",
  502: "The service behind the gateway could not be reached",
  503: "A dependency is unavailable; retry later",
  504: "The service behind the gateway did not answer in time",
};

/**
 * What each tag groups (clients and the docs page show it; Redocly's `tag-description`). A tag missing here
 * is still listed, without a description, and the lint warns: add a line when an operation brings a new tag.
 */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  account:
    "The user's own account: who am I, change my password or e-mail address, verify the e-mail, reset a " +
    "forgotten password, accept an invitation",
  "api-keys":
    "Secret keys (`sk_…`) a vendor's own systems call the API with, limited to the scopes they were given",
  analytics:
    "Frontend beacons (page views, remote load times, API timings, Web Vitals, custom events) that become metrics",
  audit: "The append-only audit log of security- and money-relevant actions (admins)",
  balance:
    "A vendor's balance: pending and available funds, balance transactions (gross, fee, net), monthly statements",
  config: "The versioned system configuration: currencies, payment limits, maintenance banner",
  development: "Development conveniences, never served in production: the mailbox of sent mail",
  dashboard: "Platform-wide payment figures and activity (admins)",
  ledger: "The double-entry ledger's reconciliation: proof that vendors' money adds up (admins)",
  monitoring:
    "The browser's error reports (Sentry envelopes), forwarded same-origin to the configured project",
  notifications:
    "The user's notification centre: payments, refunds and security notices, unread count, mark read",
  payees: "Vendors a customer can pay",
  payments: "Payments from customers to vendors: create, read, cancel, history",
  payouts: "Transfers of a vendor's available balance to its bank account: on demand or daily",
  preferences: "Per-user display and notification preferences (theme, locale, default currency)",
  profile: "Per-user profile (display name, avatar, contact details)",
  realtime: "One-time tickets for the WebSocket of live updates",
  refunds: "Full and partial refunds of succeeded payments (payee or admin)",
  reports: "Sums and counts of payments over a period",
  sessions: "Sign-up, sign-in and sign-out; the devices (sessions) a user is signed in on",
  tokens: "Access-token renewal and the public keys that verify tokens",
  webhooks:
    "Endpoints that receive signed events (Standard Webhooks), their delivery log, replays and test events",
  users: "User management: invitations, roles and deactivation (admins)",
};

type Metadata = NonNullable<Parameters<typeof z.toJSONSchema>[1]>["metadata"];
type Meta = { id?: string; description?: string };

/**
 * What zod reads a schema's metadata from (it only calls `get`): descriptions from `.describe()` (the global
 * registry), plus — on the response side only — the component ids, which zod turns into references.
 */
const INPUT_METADATA = {
  get: (schema: z.ZodType): Meta | undefined => {
    const { id: _id, ...rest } = (z.globalRegistry.get(schema) ?? {}) as Meta;
    return rest;
  },
} as unknown as Metadata;
const OUTPUT_METADATA = {
  get: (schema: z.ZodType): Meta | undefined => ({
    ...z.globalRegistry.get(schema),
    ...components.get(schema),
  }),
} as unknown as Metadata;

/** Converts a zod schema; named components become `$ref`s unless `inline` (request side). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const own = components.get(schema);
  if (io === "output" && own) return { $ref: `${REF_PREFIX}${own.id}` };
  const converted = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    metadata: io === "output" ? OUTPUT_METADATA : INPUT_METADATA,
  }) as JsonObject;
  const { $schema: _dialect, $defs: _defs, ...rest } = converted;
  const rewritten = rewriteRefs(rest);
  return (io === "input" ? withoutNul(rewritten) : rewritten) as JsonObject;
}

/**
 * Every service refuses U+0000 in any string of a request, wherever the schema puts it (service-kit's
 * `validate`: Postgres cannot store it), so every request string says so: a `pattern` where it has none,
 * else `not: {pattern: "\u0000"}` beside its own. Enums and constants cannot hold one anyway.
 */
function withoutNul(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) out[key] = DATA_KEYWORDS.has(key) ? v : withoutNul(v);
  const isString = out.type === "string" || (Array.isArray(out.type) && out.type.includes("string"));
  if (!isString || out.enum !== undefined || out.const !== undefined) return out;
  if (out.pattern === undefined) out.pattern = NO_NUL_PATTERN;
  else if (out.not === undefined && !(typeof out.pattern === "string" && excludesNul(out.pattern)))
    out.not = { pattern: "\\u0000" };
  return out;
}

/**
 * True when `pattern` surely matches no string holding U+0000: anchored at both ends, and built only of
 * positive classes and literals (no `.`, `[^…]`, `\S`, `\W`, `\D` or explicit NUL), as ids and codes are.
 */
function excludesNul(pattern: string): boolean {
  return /^\^[\s\S]*\$$/.test(pattern) && !/\[\^|\\[SWD0]|\\x00|\\u0000|(^|[^\\])\./.test(pattern);
}

/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);

/** A string without U+0000 (as a JSON Schema pattern: ECMA-262 reads the `\u0000` escape). */
export const NO_NUL_PATTERN = "^[^\\u0000]*$";

/** `#/$defs/X` (zod's local definitions) → `#/components/schemas/X` (the same registry, converted whole). */
function rewriteRefs(value: Json): Json {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value))
    out[key] =
      key === "$ref" && typeof v === "string" ? v.replace(/^#\/\$defs\//, REF_PREFIX) : rewriteRefs(v);
  return out;
}

/** Every named schema, converted together so they reference each other. */
function componentSchemas(): JsonObject {
  const all = z.toJSONSchema(components, {
    target: "draft-2020-12",
    io: "output",
    unrepresentable: "any",
    uri: (id) => `${REF_PREFIX}${id}`,
  }) as { schemas: Record<string, JsonObject> };
  const out: JsonObject = {};
  for (const [id, schema] of Object.entries(all.schemas).sort(([a], [b]) => a.localeCompare(b))) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    out[id] = rewriteRefs(rest);
  }
  return out;
}

/** Query, path and header parameters of an object schema, one per property. */
function parameters(where: "query" | "path" | "header", schema: z.ZodType | undefined): JsonObject[] {
  if (!schema) return [];
  const converted = jsonSchema(schema, "input");
  const props = (converted.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((converted.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
      // Deep-object names such as `created[gte]` are sent literally, not exploded.
      ...(where === "query" && (rest.type === "object" || rest.type === "array") ? { style: "form" } : {}),
    };
  });
}

function response(spec: ResponseSpec): JsonObject {
  const headers = Object.fromEntries(
    Object.entries(spec.headers ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: "string" } },
    ]),
  );
  const body: JsonObject | undefined = spec.mediaType
    ? { [spec.mediaType]: { schema: { type: "string" } } }
    : spec.schema
      ? { "application/json": { schema: jsonSchema(spec.schema, "output") } }
      : undefined;
  return {
    description: spec.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body ? { content: body } : {}),
  };
}

/** The statuses a route may answer beyond its own: what its inputs, its security and the gateway add. */
export function implicitErrors(op: OperationSpec): number[] {
  const statuses = new Set<number>(op.errors ?? []);
  // Every route refuses query parameters it does not declare (ADR 0015), so 400 is always possible.
  statuses.add(400);
  if (op.security !== "public") statuses.add(401);
  if (op.body) {
    statuses.add(413);
    statuses.add(415);
  }
  for (const s of [429, 500, 502, 503, 504]) statuses.add(s);
  return [...statuses].sort((a, b) => a - b);
}

const ERROR_REF = { $ref: `${REF_PREFIX}Error` };

function operationObject(op: OperationSpec): JsonObject {
  const responses: JsonObject = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec);
  for (const status of implicitErrors(op)) {
    responses[String(status)] ??= {
      description: STATUS_TEXT[status] ?? "Error",
      content: { "application/json": { schema: ERROR_REF } },
    };
  }
  const params = [
    ...parameters("path", op.params),
    ...parameters("query", op.query),
    ...parameters("header", op.headers),
  ];
  const scopes = op.scopes ? `\n\nAPI keys need the scope ${op.scopes.join(" and ")}.` : "";
  const roles = `${op.roles ? `\n\nAllowed roles: ${op.roles.join(", ")}.` : ""}${scopes}`;
  return {
    operationId: op.id,
    summary: op.summary,
    ...(op.description || roles ? { description: `${op.description ?? op.summary}${roles}` } : {}),
    tags: [...op.tags],
    // OpenAPI 3.1 lets a non-OAuth scheme list the roles it needs: an API key's scopes (docs/adr/0033).
    security: op.security === "public" ? [] : [{ [op.security]: [...(op.scopes ?? [])] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: !op.bodyOptional,
            content: { "application/json": { schema: jsonSchema(op.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

/** Options of {@link buildOpenApi}. */
export interface OpenApiOptions {
  /** Only this service's operations, at their in-service paths (a service's own `/openapi.json`). */
  service?: Service;
  version?: string;
}

/** The OpenAPI 3.1 document of `operations`. */
export function buildOpenApi(operations: readonly OperationSpec[], opts: OpenApiOptions = {}): JsonObject {
  // The error body is referenced by every operation, so it must be registered before the conversion.
  void errorBodySchema;
  const chosen = opts.service ? operations.filter((op) => op.service === opts.service) : operations;
  const paths: Record<string, JsonObject> = {};
  for (const op of chosen) {
    const path = opts.service ? op.path : publicPath(op);
    paths[path] ??= {};
    (paths[path] as JsonObject)[op.method] = operationObject(op);
  }
  const tags = [...new Set(chosen.flatMap((op) => op.tags))].sort().map((name): JsonObject => {
    const description = TAG_DESCRIPTIONS[name];
    return description ? { name, description } : { name };
  });
  return {
    openapi: "3.1.0",
    info: {
      title: opts.service ? `Payments platform: ${opts.service}` : "Payments platform API",
      version: opts.version ?? "1.0.0",
      description:
        "Customers pay vendors, vendors see what they received, admins govern. Amounts are integer minor " +
        "units; every error has the `Error` shape; lists are cursor pages (`starting_after`/`ending_before`).",
    },
    servers: [{ url: opts.service ? "/" : "/", description: "The platform's edge (this origin)" }],
    tags,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "Access token from POST /api/auth/login, /register or /refresh, or an API key (`sk_…`): the " +
            "gateway accepts it in its place, limited to the key's scopes",
        },
        refresh_cookie: {
          type: "apiKey",
          in: "cookie",
          name: "refresh_token",
          description: "The HttpOnly refresh cookie set at sign-in (same-origin requests only)",
        },
      },
    },
  };
}
