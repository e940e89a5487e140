export {
  type Analytics,
  type AnalyticsDeps,
  type AnalyticsEvent,
  createAnalytics,
  pageRoute,
} from "./analytics.ts";
