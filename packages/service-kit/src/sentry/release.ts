/**
 * The release of events from a build that names none: the services' default of `SENTRY_RELEASE` and the
 * shell's of `VITE_RELEASE` (frontends/shell/src/config.ts has the same), so every event carries one.
 */
export const DEFAULT_RELEASE = "payments-platform@dev";
