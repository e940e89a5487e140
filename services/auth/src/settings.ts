import type { AuthConfig } from "./config.ts";
import type { SessionPolicy } from "./domain/sessions.ts";
import { type ChallengePolicy, DEFAULT_CHALLENGE_POLICY } from "./domain/two-factor.ts";
import type { AccessTokenSettings } from "./keys/access-tokens.ts";
import { DEFAULT_THROTTLE_LIMITS, type ThrottleLimits } from "./security/throttle.ts";

/** Name of the refresh-token cookie. */
export const REFRESH_COOKIE = "refresh_token";
/** The cookie is only sent to auth's routes behind the gateway. */
export const REFRESH_COOKIE_PATH = "/api/auth";
/**
 * Name of the session-presence cookie: `1` while a refresh can succeed, readable by the page (not a
 * secret), so the shell asks for a refresh only when there is a session to continue (docs/adr/0021).
 */
export const SESSION_PRESENCE_COOKIE = "has_session";
/** Read by the shell on every path. */
export const SESSION_PRESENCE_COOKIE_PATH = "/";
/**
 * The presence cookie expires this much before the session's idle end, so a page never trusts it at the
 * moment the server already refuses the refresh (request latency, the browser's own clock).
 */
export const SESSION_PRESENCE_MARGIN_SECONDS = 5;

/** Behaviour settings of the auth app (what `createApp` needs beyond its adapters). */
export interface AuthSettings {
  tokens: AccessTokenSettings;
  session: SessionPolicy;
  /** Origins a browser may call refresh from (exact `scheme://host[:port]`). */
  allowedOrigins: readonly string[];
  /** Use `X-Forwarded-For` (set by the gateway) as the client address. */
  trustForwardedFor: boolean;
  /** Two-factor sign-in (docs/adr/0018): the issuer apps show, and the limits of a login's second step. */
  twoFactor: TwoFactorSettings;
}

/** Settings of two-factor sign-in. */
export interface TwoFactorSettings extends ChallengePolicy {
  /** The name an authenticator app lists the account under. */
  issuer: string;
}

/** Two-factor defaults. */
export const DEFAULT_TWO_FACTOR: TwoFactorSettings = { issuer: "Payments", ...DEFAULT_CHALLENGE_POLICY };

/** Settings with the production defaults; tests override what they need. */
export const DEFAULT_SETTINGS: AuthSettings = {
  tokens: { issuer: "urn:payments:auth", audience: "urn:payments:api", ttlSeconds: 600 },
  session: { absoluteMs: 12 * 3600_000, idleMs: 30 * 60_000, graceMs: 10_000 },
  allowedOrigins: ["http://localhost:3000", "https://localhost:8443"],
  trustForwardedFor: true,
  twoFactor: DEFAULT_TWO_FACTOR,
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
    twoFactor: DEFAULT_TWO_FACTOR,
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
