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
  apiErrorBodySchema,
  apiErrorFrom,
  describeError,
  NetworkError,
  ResponseShapeError,
  type UserFacingError,
} from "./errors.ts";
