import { type Analytics, pageRoute } from "@payments/api-client";
import { useEffect } from "react";
import { useLocation } from "react-router";

/**
 * Flushes the analytics queue every 10 s and whenever the page is hidden or left: `sendBeacon` is built
 * for exactly that moment, when an ordinary request would be cancelled.
 */
export function startAnalyticsFlushing(analytics: Analytics): () => void {
  const flush = () => analytics.flush();
  const onVisibility = () => {
    if (document.visibilityState === "hidden") flush();
  };
  const timer = window.setInterval(flush, 10_000);
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("pagehide", flush);
  return () => {
    window.clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("pagehide", flush);
  };
}

/** Records a page view per route change (by template: `/payments/:id`). */
export function usePageViews(analytics: Analytics): void {
  const { pathname } = useLocation();
  useEffect(() => {
    analytics.track({ type: "page_view", route: pageRoute(pathname) });
  }, [analytics, pathname]);
}
