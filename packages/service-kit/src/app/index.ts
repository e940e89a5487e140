export {
  createServiceApp,
  DEFAULT_BODY_LIMIT_BYTES,
  type SecureHeadersOptions,
  type ServiceApp,
  type ServiceAppOptions,
} from "./app.ts";
