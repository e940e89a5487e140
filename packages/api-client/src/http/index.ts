export {
  type ApiTiming,
  type AuthHooks,
  createHttpClient,
  type FetchLike,
  type HttpClient,
  type HttpClientDeps,
  type HttpMethod,
  type QueryParams,
  type RequestOptions,
  routeTemplate,
} from "./client.ts";
export {
  ApiError,
  apiErrorFrom,
  describeError,
  NetworkError,
  type UserFacingError,
} from "./errors.ts";
export { type CallTrace, newCallTrace, rememberTrace, traceOf } from "./trace.ts";
