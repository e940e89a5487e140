/**
 * The release when the build names none: the services' default too (`SENTRY_RELEASE`), so that events of
 * an unnamed build still carry one. A deployment sets both to the same name (the commit), the one the
 * source maps are uploaded under (`scripts/sentry/upload-sourcemaps.ts`).
 */
export const DEFAULT_RELEASE = "payments-platform@dev";

/** Build-time settings of the shell (Vite `VITE_*` variables, fixed when the bundle is built). */
export const config = {
  /** Sentry DSN; empty or unset means no Sentry at all. */
  sentryDsn: import.meta.env.VITE_SENTRY_DSN?.trim() || undefined,
  /** Where the SDK sends its envelopes: the gateway's same-origin tunnel (the CSP allows only 'self'). */
  sentryTunnel: "/api/monitoring",
  release: import.meta.env.VITE_RELEASE?.trim() || DEFAULT_RELEASE,
  environment: import.meta.env.MODE,
  remoteEntries: __REMOTE_ENTRIES__,
  sharedVersions: __SHARED_VERSIONS__,
} as const;
