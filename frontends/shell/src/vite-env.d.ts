/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/react" />

interface ImportMetaEnv {
  /** Sentry DSN; Sentry is not even downloaded when unset. */
  readonly VITE_SENTRY_DSN?: string;
  /** Release name reported to Sentry. */
  readonly VITE_RELEASE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

/** Where each remote's `remoteEntry.js` lives in this build (dev servers, or `/remotes/<name>/`). */
declare const __REMOTE_ENTRIES__: Record<"auth" | "payments" | "admin", string>;

/** Versions of the shared libraries that do not export one themselves (from their package.json). */
declare const __SHARED_VERSIONS__: { router: string; query: string; workspace: string };
