export {
  createServiceApp,
  DEFAULT_BODY_LIMIT_BYTES,
  limitBody,
  type SecureHeadersOptions,
  type ServiceApp,
  type ServiceAppOptions,
} from "./app.ts";
export { createAllowLookup, createNotFoundHandler, type RoutedApp } from "./not-found.ts";
export { type ObserveRequestsOptions, observeRequests } from "./observe.ts";
