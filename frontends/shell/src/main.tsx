import "@payments/ui/styles.css";
import "./app/shell.css";
import { ApiError, createBrowserPlatform } from "@payments/api-client";
import { QueryClient } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import { config } from "./config.ts";
import { startAnalyticsFlushing } from "./observability/analytics.ts";
import { createErrorReporter } from "./observability/sentry.ts";
import { AfterPageLoad } from "./pwa/AfterPageLoad.tsx";
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
});
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A 4xx will not get better by asking again; network trouble and 5xx might.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});
const platform = createBrowserPlatform({ queryClient, reportError: reporter.report });
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
window.addEventListener("online", () => platform.realtime.reconnectNow());

// React mounts once the session check has answered (one round trip, while the landing remote evaluates),
// so its first render is the page itself, not a "checking your session" frame replaced a moment later
// that would take the main thread from the remote. Until then the page shows index.html's static frame;
// a slow check gets the interactive shell, with its spinner, after SESSION_WAIT_MS all the same.
const SESSION_WAIT_MS = 1_000;
await Promise.race([sessionChecked, new Promise((resolve) => window.setTimeout(resolve, SESSION_WAIT_MS))]);

const root = document.getElementById("root");
if (root) {
  createRoot(root, { onUncaughtError: (error) => reporter.report(error) }).render(
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
}
