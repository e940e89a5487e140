export {
  ApiError,
  badRequest,
  conflict,
  createErrorHandler,
  type ErrorBody,
  type ErrorHandlerOptions,
  type ErrorType,
  errorBodySchema,
  errorResponse,
  forbidden,
  idempotencyError,
  notFound,
  notFoundHandler,
  rateLimited,
  unauthenticated,
  unavailable,
} from "./errors.ts";
export { methodNotAllowed, unknownQueryParameter, unsupportedMediaType } from "./protocol.ts";
