import "@payments/ui/styles.css";
import "./app/shell.css";
import { ApiError, createBrowserPlatform } from "@payments/api-client";
import { QueryClient } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense, startTransition } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import { config } from "./config.ts";
import { startAnalyticsFlushing } from "./observability/analytics.ts";
import { createErrorReporter } from "./observability/sentry.ts";
import { startWebVitals } from "./observability/web-vitals.ts";
import { AfterPageLoad, whenPageSettled } from "./pwa/AfterPageLoad.tsx";
import { startOfflineSupport } from "./pwa/offline.ts";
import { staleReads } from "./pwa/stale-reads.ts";
import { createFederationLoader } from "./remotes/federation.ts";
import { remoteForPath } from "./remotes/loader.ts";

// The service worker (and workbox-window) is registered a few seconds after the page has loaded: it serves
// the next visit, and must not compete with what this one is painting.
const UpdatePrompt = lazy(() =>
  import("./pwa/UpdatePrompt.tsx").then((module) => ({ default: module.UpdatePrompt })),
);

const reporter = createErrorReporter({
  dsn: config.sentryDsn,
  environment: config.environment,
  release: config.release,
  tunnel: config.sentryTunnel,
});
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A read is tried even when the browser says it is offline: the service worker may answer it from
      // its cache (the payments list, the profile), marked stale (docs/adr/0029).
      networkMode: "offlineFirst",
      // A 4xx will not get better by asking again; network trouble and 5xx might.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});
const platform = createBrowserPlatform({
  queryClient,
  reportError: reporter.report,
  wrapFetch: staleReads.track,
});
// Sentry knows who hit an error by id only (never the e-mail), and forgets them on sign-out.
const followUser = () => {
  const state = platform.session.getState();
  reporter.setUser(state.status === "signed_in" ? state.user.id : undefined);
};
platform.session.subscribe(followUser);
followUser();
const loader = createFederationLoader(platform.analytics);

// The remote of the page being opened loads alongside the session check rather than after it. A failure is
// kept by the loader and shown by the remote's slot, with its retry.
const landing = remoteForPath(window.location.pathname);
if (landing) loader.load(landing).catch(() => {});
// Continue the session of the refresh cookie, if any (the access token lives in memory only).
const sessionChecked = platform.session.refresh().then(
  () => {},
  () => platform.session.expire(),
);
startAnalyticsFlushing(platform.analytics);
startOfflineSupport({
  session: platform.session,
  stale: staleReads,
  refetch: () => {
    void queryClient.invalidateQueries();
    // Preferences are not a query (loaded at sign-in): a saved copy of them is read again too.
    platform.preferences.reload?.();
  },
});
window.addEventListener("online", () => platform.realtime.reconnectNow());
void whenPageSettled(0)
  .then(() => startWebVitals(platform.analytics))
  .catch(() => {});

// React mounts once the session check has answered (one round trip, while the landing remote evaluates),
// so its first render is the page itself, not a "checking your session" frame replaced a moment later
// that would take the main thread from the remote. Until then the page shows index.html's static frame;
// a slow check gets the interactive shell, with its spinner, after SESSION_WAIT_MS all the same.
const SESSION_WAIT_MS = 1_000;
await Promise.race([sessionChecked, new Promise((resolve) => window.setTimeout(resolve, SESSION_WAIT_MS))]);

const root = document.getElementById("root");
if (root) {
  const reactRoot = createRoot(root, { onUncaughtError: (error) => reporter.report(error) });
  // A transition: React renders the first tree in slices of a few milliseconds, yielding to the browser
  // between them, instead of in one long task (Lighthouse's Total Blocking Time); index.html's static
  // frame stays on screen until the whole tree is committed at once.
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <App
          platform={platform}
          loader={loader}
          extras={
            <AfterPageLoad>
              <Suspense fallback={null}>
                <UpdatePrompt />
              </Suspense>
            </AfterPageLoad>
          }
        />
      </StrictMode>,
    );
  });
}
