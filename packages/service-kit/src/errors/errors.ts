import { errorBodySchema as contractErrorBody } from "@payments/contracts/http";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import type { z } from "zod";
import { currentRequestId } from "../logging/logging.ts";
import { type KitEnv, markUnmatched } from "../request/request.ts";

/** The error types of ARCHITECTURE §3; clients branch on these, so the list only grows. */
export type ErrorType =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "conflict"
  | "idempotency"
  | "rate_limited"
  | "unavailable"
  | "internal";

/** Schema of the uniform error body: the contract's, used in OpenAPI documents and by clients. */
export const errorBodySchema = contractErrorBody;

/** The uniform error body `{"error":{type, code, message, param?, request_id}}`. */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * An error meant for the client: thrown anywhere in a handler, it becomes the uniform error JSON with this
 * status. Its message is shown to the client, so it must never carry internals.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
    /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 400 `invalid_request`; `param` names the offending field. */
export const badRequest = (code: string, message: string, param?: string): ApiError =>
  new ApiError(400, "invalid_request", code, message, param);
/** 401 `authentication`. */
export const unauthenticated = (message = "Authentication required."): ApiError =>
  new ApiError(401, "authentication", "unauthenticated", message);
/** 403 `permission`. */
export const forbidden = (message = "You do not have permission to do this."): ApiError =>
  new ApiError(403, "permission", "forbidden", message);
/** 404 `not_found`. */
export const notFound = (message = "Not found.", code = "not_found"): ApiError =>
  new ApiError(404, "not_found", code, message);
/** 409 `conflict`. */
export const conflict = (code: string, message: string): ApiError =>
  new ApiError(409, "conflict", code, message);
/** `idempotency` error: 422 for a reused key with another body, 409 while the first request is in flight. */
export const idempotencyError = (code: string, message: string, status: 409 | 422 = 422): ApiError =>
  new ApiError(status, "idempotency", code, message);
/** 429 `rate_limited` with `Retry-After`. */
export const rateLimited = (retryAfterSeconds: number, message = "Too many requests."): ApiError =>
  new ApiError(429, "rate_limited", "rate_limited", message, undefined, {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
/** 503 `unavailable`: a dependency is down; the client may retry. */
export const unavailable = (message = "Service temporarily unavailable."): ApiError =>
  new ApiError(503, "unavailable", "unavailable", message);

/** Renders an {@link ApiError} as the uniform JSON response. */
export function errorResponse(c: Context, error: ApiError): Response {
  const body: ErrorBody = {
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      ...(error.param === undefined ? {} : { param: error.param }),
      request_id: requestIdOf(c),
    },
  };
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(body, error.status);
}

function requestIdOf(c: Context): string {
  const fromContext: unknown = c.get("requestId");
  return typeof fromContext === "string" ? fromContext : (currentRequestId() ?? "");
}

const INTERNAL_MESSAGE = "An internal error occurred. Quote the request_id when reporting it.";

const HTTP_EXCEPTION_TYPES: Record<number, [ErrorType, string]> = {
  400: ["invalid_request", "bad_request"],
  401: ["authentication", "unauthenticated"],
  403: ["permission", "forbidden"],
  404: ["not_found", "not_found"],
  405: ["invalid_request", "method_not_allowed"],
  409: ["conflict", "conflict"],
  413: ["invalid_request", "body_too_large"],
  415: ["invalid_request", "unsupported_media_type"],
  429: ["rate_limited", "rate_limited"],
  503: ["unavailable", "unavailable"],
};

/** Maps Hono's own 4xx exceptions (malformed JSON, body limit, auth middleware) onto the uniform shape. */
function fromHttpException(error: HTTPException): ApiError {
  const status = error.status as ContentfulStatusCode;
  const [type, code] = HTTP_EXCEPTION_TYPES[status] ?? ["invalid_request", "bad_request"];
  const malformed = status === 400 && /malformed/i.test(error.message);
  const headers: Record<string, string> = {};
  // Keep protocol headers a middleware put on its own response (e.g. WWW-Authenticate).
  error.res?.headers.forEach((value, name) => {
    if (name !== "content-type" && name !== "content-length") headers[name] = value;
  });
  return new ApiError(
    status,
    type,
    malformed ? "malformed_json" : code,
    error.message || defaultMessage(status),
    undefined,
    headers,
  );
}

function defaultMessage(status: number): string {
  if (status === 413) return "Request body too large.";
  return "The request could not be processed.";
}

/** Options of {@link createErrorHandler}. */
export interface ErrorHandlerOptions {
  logger: Logger;
  /** Called for every 5xx with the original error, e.g. to report it to Sentry. */
  onServerError?: (error: Error, c: Context<KitEnv>) => void | Promise<void>;
}

/**
 * The app's `onError`: known errors become their uniform JSON; anything else is logged with its stack and
 * answered with a generic 500, so stacks and SQL never reach a client.
 */
export function createErrorHandler(opts: ErrorHandlerOptions): ErrorHandler<KitEnv> {
  return async (error, c) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof HTTPException && error.status < 500) apiError = fromHttpException(error);
    else {
      opts.logger.error({ err: error, method: c.req.method, path: c.req.path }, "unhandled error");
      apiError =
        error instanceof HTTPException && error.status === 503
          ? unavailable()
          : new ApiError(500, "internal", "internal", INTERNAL_MESSAGE);
    }
    if (apiError.status >= 500 && opts.onServerError) {
      try {
        await opts.onServerError(error, c);
      } catch (reportError) {
        opts.logger.warn({ err: reportError }, "error reporting failed");
      }
    }
    return errorResponse(c, apiError);
  };
}

/**
 * Uniform 404 for a path no route serves, and marks the request so metrics file it under one label. The
 * message never echoes the path: behind the gateway it is internal (the `/api/<service>` prefix is gone).
 * Apps use `createNotFoundHandler(app)`, which answers 405 + `Allow` for a known path and calls this otherwise.
 */
export const notFoundHandler: NotFoundHandler<KitEnv> = (c) => {
  markUnmatched(c);
  return errorResponse(c, notFound("No such resource.", "route_not_found"));
};
