import type { components, operations } from "../generated/openapi.ts";
import { OPERATION_ROUTES } from "../generated/routes.ts";
import type { HttpClient, QueryParams, RequestOptions } from "../http/index.ts";

/**
 * Calls an operation of the contract by its operationId, typed end to end from the generated document:
 * path parameters, query, body and the 2xx answer all come from `generated/openapi.ts`, so a request the
 * service would refuse for its shape does not compile. Responses are not re-validated in the browser: the
 * services answer with the contract's own schemas, which CI's contract tests and fuzzing hold them to.
 */

/** Every operation the platform documents. */
export type OperationId = keyof operations & keyof typeof OPERATION_ROUTES;
/** A named schema of the contract (`Schema<"Payment">`). */
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

type Op<K extends OperationId> = operations[K];
type Params<K extends OperationId> = Op<K>["parameters"];

type JsonContent<R> = R extends { content: { "application/json": infer B } } ? B : undefined;
type SuccessStatus = 200 | 201 | 202 | 204;

/** The JSON body a successful call answers with (undefined for 204). */
export type ResponseOf<K extends OperationId> = Op<K>["responses"] extends infer R
  ? JsonContent<R[Extract<keyof R, SuccessStatus>]>
  : never;

/** The JSON request body (required when the operation requires it). */
export type BodyOf<K extends OperationId> =
  Op<K> extends {
    requestBody: { content: { "application/json": infer B } };
  }
    ? B
    : Op<K> extends { requestBody?: { content: { "application/json": infer B } } }
      ? B
      : never;

/** Query parameters of the operation. */
export type QueryOf<K extends OperationId> = Params<K> extends { query?: infer Q } ? Q : never;
/** Path parameters of the operation. */
export type PathOf<K extends OperationId> = Params<K> extends { path: infer P } ? P : never;

type PathPart<K extends OperationId> = [PathOf<K>] extends [never] ? { path?: never } : { path: PathOf<K> };
type QueryPart<K extends OperationId> = [QueryOf<K>] extends [never] | [undefined]
  ? { query?: never }
  : { query?: QueryOf<K> };
type BodyPart<K extends OperationId> = [BodyOf<K>] extends [never]
  ? { body?: never }
  : Op<K> extends { requestBody: unknown }
    ? { body: BodyOf<K> }
    : { body?: BodyOf<K> };

/** What a call takes besides the operation id. */
export type CallInput<K extends OperationId> = PathPart<K> &
  QueryPart<K> &
  BodyPart<K> &
  Pick<RequestOptions, "idempotencyKey" | "signal" | "authenticated" | "headers">;

/** `/api/payments/{id}` + `{id: "pay_1"}` → `/api/payments/pay_1`. */
function fillPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

/** The arguments of a call: the operation id, then its input, which may be left out when nothing is required. */
type CallArgs<K extends OperationId> =
  Record<never, never> extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>];

/** Sends operation `id` through `http` (which adds the token, refreshes and maps errors). */
async function sendOperation<K extends OperationId>(
  http: HttpClient,
  id: K,
  input: CallInput<K> | undefined,
): Promise<Response> {
  const [method, template] = OPERATION_ROUTES[id];
  const given = (input ?? {}) as CallInput<K> & {
    path?: Record<string, string>;
    query?: QueryParams;
    body?: unknown;
  };
  const { path, query, body, ...options } = given;
  return http.send(fillPath(template, path), {
    ...options,
    method,
    ...(query ? { query } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}

/** A function calling any operation through `http` (which adds the token, refreshes and maps errors). */
export function createCaller(http: HttpClient) {
  return async function call<K extends OperationId>(id: K, ...[input]: CallArgs<K>): Promise<ResponseOf<K>> {
    const response = await sendOperation(http, id, input);
    if (response.status === 204) return undefined as ResponseOf<K>;
    // Other successes the contract documents without a body (the 202 of forgot-password and resend) are empty.
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as ResponseOf<K>;
  };
}

/** The function {@link createCaller} returns. */
export type Call = ReturnType<typeof createCaller>;

/**
 * Like {@link createCaller}, for operations whose answer is a file (`text/csv`): the same typed input, the
 * body as a Blob. A plain link cannot download these: the access token lives in memory, not in a cookie.
 */
export function createDownloader(http: HttpClient) {
  return async function download<K extends OperationId>(id: K, ...[input]: CallArgs<K>): Promise<Blob> {
    return (await sendOperation(http, id, input)).blob();
  };
}
