export {
  createServiceApp,
  DEFAULT_BODY_LIMIT_BYTES,
  limitBody,
  type SecureHeadersOptions,
  type ServiceApp,
  type ServiceAppOptions,
} from "./app.ts";
