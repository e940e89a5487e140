import { commonEnv, parseConfig } from "@payments/service-kit";
import { z } from "zod";
import type { ForwardLimits } from "./http/forward.ts";
import type { RateLimits } from "./http/rate-limit.ts";

const port = z.coerce.number().int().min(1).max(65535);
const upstream = z.url({ protocol: /^https?$/ }).optional();

/** Gateway settings. Upstream URLs are optional: a service not configured is simply not routed. */
export const gatewayEnv = commonEnv.extend({
  GATEWAY_PORT: port.default(3000),
  /** 127.0.0.1 locally (Caddy is in front); compose sets 0.0.0.0. */
  GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
  AUTH_URL: upstream,
  PAYMENTS_URL: upstream,
  ADMIN_URL: upstream,
  PROFILE_URL: upstream,
  /** `iss` and `aud` of access tokens: the same variables and defaults as the auth service's. */
  AUTH_ISSUER: z.string().min(1).max(200).default("urn:payments:auth"),
  AUTH_AUDIENCE: z.string().min(1).max(200).default("urn:payments:api"),
  /** Browser origins allowed to open /ws (comma-separated). */
  GATEWAY_ALLOWED_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1))
    .default(["http://localhost:3000", "https://localhost:8443"]),
  /** WebSocket heartbeat: ping interval; a socket silent for one whole interval after a ping is closed. */
  GATEWAY_HEARTBEAT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** Where the built frontends are (`<dir>/<app>/dist`); served when the shell has been built. */
  GATEWAY_FRONTENDS_DIR: z
    .string()
    .min(1)
    .default(new URL("../../../frontends", import.meta.url).pathname),
  /**
   * Peers whose X-Forwarded-For is believed (comma-separated IPs, or `*` when the gateway is reachable only
   * through Caddy, as in compose). Default: loopback, i.e. Caddy on the same machine.
   */
  GATEWAY_TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .default(["127.0.0.1", "::1", "::ffff:127.0.0.1"]),
  /**
   * Milliseconds an upstream has to send its response headers before the gateway gives up with 504 (the body
   * then streams without a deadline: exports may take long). Client connections idle for Bun's 10 s are closed.
   */
  GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),
  /** Largest request body forwarded (bytes): 413 before the upstream is asked, or as soon as a chunked body passes it. */
  GATEWAY_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(1024 * 1024),
  /**
   * Rate limits (requests per window, per gateway fleet when REDIS_URL is set): per user with a valid access
   * token; per client address without one; per address on POST login/register/refresh. Test setups that send
   * everything from 127.0.0.1 raise them.
   */
  GATEWAY_RATE_LIMIT_USER: z.coerce.number().int().min(1).max(1_000_000_000).default(600),
  GATEWAY_RATE_LIMIT_IP: z.coerce.number().int().min(1).max(1_000_000_000).default(1200),
  GATEWAY_RATE_LIMIT_AUTH: z.coerce.number().int().min(1).max(1_000_000_000).default(60),
  GATEWAY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * The browser build's Sentry DSN (the shell's VITE_SENTRY_DSN): `POST /api/monitoring` forwards the
   * browser's envelopes for this project only (docs/adr/0030). Unset: the tunnel answers 404.
   */
  SENTRY_BROWSER_DSN: z
    .union([z.literal(""), z.url({ protocol: /^https?$/ })])
    .optional()
    .transform((v) => v || undefined),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

/** Parses the gateway's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseConfig(gatewayEnv, env, "gateway");
}

/** The HTTP edge's limits from config: rate limits, and timeout and body limit of forwarded requests. */
export function edgeLimits(config: GatewayConfig): { rateLimits: RateLimits; forward: ForwardLimits } {
  return {
    rateLimits: {
      userPerWindow: config.GATEWAY_RATE_LIMIT_USER,
      ipPerWindow: config.GATEWAY_RATE_LIMIT_IP,
      authPerWindow: config.GATEWAY_RATE_LIMIT_AUTH,
      windowSeconds: config.GATEWAY_RATE_LIMIT_WINDOW_SECONDS,
    },
    forward: {
      timeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
      bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES,
    },
  };
}
