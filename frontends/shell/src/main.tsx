import "@payments/ui/styles.css";
import "./app/shell.css";
import { ApiError, createBrowserPlatform } from "@payments/api-client";
import { QueryClient } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import { config } from "./config.ts";
import { startAnalyticsFlushing } from "./observability/analytics.ts";
import { createErrorReporter } from "./observability/sentry.ts";
import { UpdatePrompt } from "./pwa/UpdatePrompt.tsx";
import { createFederationLoader } from "./remotes/federation.ts";

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

startAnalyticsFlushing(platform.analytics);
window.addEventListener("online", () => platform.realtime.reconnectNow());
// Continue the session of the refresh cookie, if any (the access token lives in memory only).
platform.session.refresh().catch(() => platform.session.expire());

const root = document.getElementById("root");
if (root) {
  createRoot(root, { onUncaughtError: (error) => reporter.report(error) }).render(
    <StrictMode>
      <App platform={platform} loader={loader} extras={<UpdatePrompt />} />
    </StrictMode>,
  );
}
