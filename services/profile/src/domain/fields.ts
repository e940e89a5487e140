import type { PreferencesView } from "@payments/contracts/http";

// The field schemas are the HTTP contract's (`@payments/contracts/http`): the routes validate with them and
// the OpenAPI document shows them, so they are declared there once.
export type {
  Address,
  Notifications,
  PreferencesPatch,
  ProfilePatch,
} from "@payments/contracts/http";

/** Preferences of a user who never changed any. */
export const DEFAULT_PREFERENCES = {
  theme: "system",
  locale: "en-US",
  default_currency: null,
  notifications: { payment_updates: true, refund_updates: true, security_alerts: true, product_news: false },
} as const satisfies Omit<PreferencesView, "updated_at">;
