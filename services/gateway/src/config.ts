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
  /** Milliseconds before an upstream call is abandoned with 503. */
  GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

/** Parses the gateway's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseConfig(gatewayEnv, env, "gateway");
}
