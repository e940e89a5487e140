import { z } from "zod";

/**
 * The HTTP contract's building blocks. Every route of every service is declared once, as an
 * {@link OperationSpec} in `http/<service>.ts`: its services validate with these very schemas, the OpenAPI
 * document is built from them (`openapi.ts`), and the browser client's types are generated from that
 * document. A shape typed anywhere else is a second source of truth.
 */

/** Metadata of a named schema: it becomes `#/components/schemas/<id>` in the OpenAPI document. */
export interface ComponentMeta {
  id: string;
  description?: string;
}

/** The named response schemas (components). Request schemas stay inline: their input shape differs. */
export const components = z.registry<ComponentMeta>();

/** Registers `schema` as the component `id` and returns it (use on response-side schemas only). */
export function component<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  components.add(schema, description ? { id, description } : { id });
  return schema;
}

/** The services, as the gateway names them in `/api/<service>`. */
export const SERVICES = ["auth", "payments", "admin", "profile", "gateway"] as const;
export type Service = (typeof SERVICES)[number];

export type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * What an API key may be allowed to do (docs/adr/0033). An operation names the scopes it needs in
 * {@link OperationSpec.scopes}; a request made with an API key reaches it only when the key holds all of them,
 * and an operation that names none is closed to API keys (sessions of people are not limited by scopes).
 */
export const API_KEY_SCOPES = [
  "payments:read",
  "payments:write",
  "refunds:write",
  "balance:read",
  "webhooks:read",
  "webhooks:write",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** How a caller proves who it is: an access token, the refresh cookie, or nothing. */
export type Security = "bearer" | "refresh_cookie" | "public";

/** One documented response. */
export interface ResponseSpec {
  description: string;
  /** The JSON body (absent: no body, as for 204). */
  schema?: z.ZodType;
  /** Media type of a non-JSON body (e.g. `text/csv`); its schema is then a string. */
  mediaType?: string;
  /** Response headers worth documenting, name → description. */
  headers?: Readonly<Record<string, string>>;
}

/** One route: where it is, who may call it, what it takes and what it answers. */
export interface OperationSpec {
  service: Service;
  /** Unique and descriptive, `<service>.<verb>` (`payments.create`); the client's method name. */
  id: string;
  method: Method;
  /** Path inside the service, OpenAPI style (`/{id}/refunds`); the gateway adds `/api/<service>`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  security: Security;
  /** Roles allowed (documentation; the service enforces them). Absent = any signed-in user. */
  roles?: readonly ("customer" | "vendor" | "admin")[];
  /**
   * Scopes an API key needs for this route (all of them); absent: API keys are refused (403
   * `insufficient_scope`). Checked centrally by `requireAuth` of `@payments/auth-verify` (docs/adr/0033).
   */
  scopes?: readonly ApiKeyScope[];
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** True when the body may be left out altogether (e.g. cancel). */
  bodyOptional?: boolean;
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Error statuses the route itself answers (400/403/404/409/422…); those every route may answer are added. */
  errors?: readonly number[];
}

/** Declares an operation, keeping its literal types (the services' `c.req.valid(...)` read from them). */
export function operation<const O extends OperationSpec>(spec: O): O {
  return spec;
}

/** The operation's path in Hono's syntax (`/{id}` → `/:id`). */
export function honoPath(op: Pick<OperationSpec, "path">): string {
  return op.path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ":$1");
}

/** The operation's public path through the gateway (`/api/<service><path>`). */
export function publicPath(op: Pick<OperationSpec, "service" | "path">): string {
  if (op.service === "gateway") return op.path;
  return `/api/${op.service}${op.path === "/" ? "" : op.path}`;
}

/** The error types of ARCHITECTURE §3; clients branch on these, so the list only grows. */
export const ERROR_TYPES = [
  "invalid_request",
  "authentication",
  "permission",
  "not_found",
  "conflict",
  "idempotency",
  "rate_limited",
  "unavailable",
  "internal",
] as const;

/** The uniform error body `{"error":{type, code, message, param?, request_id}}`, every service's and the gateway's. */
export const errorBodySchema = component(
  "Error",
  z.object({
    error: z.object({
      type: z.enum(ERROR_TYPES),
      code: z.string().describe("Stable machine-readable reason, e.g. `unsupported_currency`"),
      message: z.string().describe("For people; never carries internals"),
      param: z.string().optional().describe("The offending field, when one is to blame"),
      request_id: z.string().describe("Echo of `X-Request-Id`, for support"),
    }),
  }),
  "The uniform error body",
);

/** `{data, has_more}` cursor page (ARCHITECTURE §3). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), has_more: z.boolean() });
}

/** Cursor parameters every list takes; a request with both cursors is refused (400). */
export function cursorQuery<C extends z.ZodType>(cursor: C, maxLimit = 100, defaultLimit = 20) {
  return {
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    starting_after: cursor
      .optional()
      .describe("Cursor: the last id of the previous page (not with ending_before)"),
    ending_before: cursor
      .optional()
      .describe("Cursor: the first id of the next page (not with starting_after)"),
  };
}
