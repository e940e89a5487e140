export { DEFAULT_RELEASE } from "./release.ts";
export { FILTERED, isSecretKey, scrub } from "./scrub.ts";
export {
  captureRequestError,
  flushSentry,
  initSentry,
  isSentryEnabled,
  type SentryOptions,
} from "./sentry.ts";
