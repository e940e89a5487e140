/** Build-time settings of the shell (Vite `VITE_*` variables, fixed when the bundle is built). */
export const config = {
  /** Sentry DSN; empty or unset means no Sentry at all. */
  sentryDsn: import.meta.env.VITE_SENTRY_DSN?.trim() || undefined,
  release: import.meta.env.VITE_RELEASE,
  environment: import.meta.env.MODE,
  remoteEntries: __REMOTE_ENTRIES__,
  sharedVersions: __SHARED_VERSIONS__,
} as const;
