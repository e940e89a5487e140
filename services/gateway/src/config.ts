import { commonEnv, parseConfig } from "@payments/service-kit";
import { z } from "zod";

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
  /** Milliseconds before an upstream call is abandoned with 503. */
  GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

/** Parses the gateway's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseConfig(gatewayEnv, env, "gateway");
}
