import type { AuthConfig } from "./config.ts";
import type { SessionPolicy } from "./domain/sessions.ts";
import type { AccessTokenSettings } from "./keys/access-tokens.ts";
import { DEFAULT_THROTTLE_LIMITS, type ThrottleLimits } from "./security/throttle.ts";

/** Name of the refresh-token cookie. */
export const REFRESH_COOKIE = "refresh_token";
/** The cookie is only sent to auth's routes behind the gateway. */
export const REFRESH_COOKIE_PATH = "/api/auth";

/** Behaviour settings of the auth app (what `createApp` needs beyond its adapters). */
export interface AuthSettings {
  tokens: AccessTokenSettings;
  session: SessionPolicy;
  /** Origins a browser may call refresh from (exact `scheme://host[:port]`). */
  allowedOrigins: readonly string[];
  /** Use `X-Forwarded-For` (set by the gateway) as the client address. */
  trustForwardedFor: boolean;
}

/** Settings with the production defaults; tests override what they need. */
export const DEFAULT_SETTINGS: AuthSettings = {
  tokens: { issuer: "urn:payments:auth", audience: "urn:payments:api", ttlSeconds: 600 },
  session: { absoluteMs: 12 * 3600_000, idleMs: 30 * 60_000, graceMs: 10_000 },
  allowedOrigins: ["http://localhost:3000", "https://localhost:8443"],
  trustForwardedFor: true,
};

/** App settings from the parsed environment. */
export function settingsFromConfig(config: AuthConfig): AuthSettings {
  return {
    tokens: {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ttlSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
    },
    session: {
      absoluteMs: config.AUTH_SESSION_ABSOLUTE_HOURS * 3600_000,
      idleMs: config.AUTH_SESSION_IDLE_MINUTES * 60_000,
      graceMs: config.AUTH_REFRESH_GRACE_SECONDS * 1000,
    },
    allowedOrigins: config.AUTH_ALLOWED_ORIGINS,
    trustForwardedFor: config.AUTH_TRUST_FORWARDED_FOR,
  };
}

/** Throttle limits from the parsed environment. */
export function throttleLimitsFromConfig(config: AuthConfig): ThrottleLimits {
  return {
    ...DEFAULT_THROTTLE_LIMITS,
    accountFailuresPerHour: config.AUTH_LOGIN_FAILURES_PER_ACCOUNT_HOUR,
    ipFailuresPerHour: config.AUTH_LOGIN_FAILURES_PER_IP_HOUR,
    freeFailures: config.AUTH_LOGIN_FREE_FAILURES,
    maxSeconds: config.AUTH_LOGIN_DELAY_MAX_SECONDS,
    registrationsPerIpHour: config.AUTH_REGISTRATIONS_PER_IP_HOUR,
  };
}
