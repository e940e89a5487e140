import { ApiError } from "./errors.ts";

/**
 * 405 `invalid_request` with `Allow`: the path exists, the method does not. The message names methods only:
 * behind the gateway a service's path is internal, and the caller already knows the path it asked for.
 */
export function methodNotAllowed(allowed: readonly string[]): ApiError {
  const allow = allowed.join(", ");
  return new ApiError(
    405,
    "invalid_request",
    "method_not_allowed",
    `This method is not allowed here; use ${allow}.`,
    undefined,
    { Allow: allow },
  );
}

/** 415 `invalid_request`: a body was sent, but not as JSON. */
export function unsupportedMediaType(): ApiError {
  return new ApiError(
    415,
    "invalid_request",
    "unsupported_media_type",
    "The request body must be JSON, sent with Content-Type: application/json.",
  );
}

// Parameter names come from the caller: bounded, so a huge name cannot blow up the answer or the logs.
const MAX_NAME_IN_MESSAGE = 100;

/**
 * 400 `invalid_request` `unknown_parameter` for a query parameter the route does not declare; `param` names
 * it, and the message lists what the route does accept.
 */
export function unknownQueryParameter(name: string, declared: readonly string[]): ApiError {
  const shown = name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}…` : name;
  const accepted =
    declared.length === 0
      ? "this route takes no query parameters"
      : `this route accepts ${[...declared].sort().join(", ")}`;
  return new ApiError(
    400,
    "invalid_request",
    "unknown_parameter",
    `Unknown query parameter "${shown}": ${accepted}.`,
    shown,
  );
}
