export {
  type Analytics,
  type AnalyticsDeps,
  type AnalyticsEvent,
  createAnalytics,
  pageRoute,
  type WebVitalName,
} from "./analytics.ts";
