import { commonEnv, parseConfig } from "@payments/service-kit";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const originList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1));

/**
 * The auth service's settings. Defaults meet OWASP ASVS level 2 (12 h absolute, 30 min idle sessions;
 * argon2id 19 MiB / t=2; 100 failed logins per account per hour).
 */
export const authEnv = commonEnv.extend({
  AUTH_PORT: port.default(3001),
  /** 127.0.0.1 locally (the gateway is in front); compose sets 0.0.0.0. */
  AUTH_HOST: z.string().min(1).default("127.0.0.1"),
  /** Postgres URL; unset → embedded PGlite in AUTH_DATA_DIR. */
  AUTH_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  AUTH_DATA_DIR: z.string().min(1).default(".data/auth"),
  /** `iss` of access tokens; every verifier must expect the same value. */
  AUTH_ISSUER: z.string().min(1).max(200).default("urn:payments:auth"),
  /** `aud` of access tokens. */
  AUTH_AUDIENCE: z.string().min(1).max(200).default("urn:payments:api"),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: int(60, 3600).default(600),
  /** A session (refresh-token family) ends this long after login, however active. */
  AUTH_SESSION_ABSOLUTE_HOURS: int(1, 24 * 90).default(12),
  /** …and this long after its last refresh. */
  AUTH_SESSION_IDLE_MINUTES: int(5, 60 * 24 * 30).default(30),
  /** How long a just-rotated refresh token answers 409 instead of counting as reuse (0 disables). */
  AUTH_REFRESH_GRACE_SECONDS: int(0, 60).default(10),
  /** Origins allowed to call refresh (and to post login/register from a browser). */
  AUTH_ALLOWED_ORIGINS: originList.default(["http://localhost:3000", "https://localhost:8443"]),
  /** Rotate the signing key when the current one is older than this. */
  AUTH_KEY_ROTATION_DAYS: int(1, 365).default(30),
  /** Base64 of 32 bytes: encrypts private signing keys at rest. Required in production. */
  AUTH_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be base64 of exactly 32 bytes")
    .optional(),
  /** Argon2id memory in KiB (≥ 19 MiB) and iterations (≥ 2). */
  AUTH_ARGON2_MEMORY_KIB: int(19_456, 1_048_576).default(19_456),
  AUTH_ARGON2_TIME_COST: int(2, 10).default(2),
  AUTH_LOGIN_FAILURES_PER_ACCOUNT_HOUR: int(5, 10_000).default(100),
  AUTH_LOGIN_FAILURES_PER_IP_HOUR: int(10, 100_000).default(1000),
  /** Failures in a row (per account and IP) before each attempt must wait, doubling up to the maximum. */
  AUTH_LOGIN_FREE_FAILURES: int(1, 100).default(5),
  AUTH_LOGIN_DELAY_MAX_SECONDS: int(1, 3600).default(300),
  AUTH_REGISTRATIONS_PER_IP_HOUR: int(1, 100_000).default(100),
  /**
   * Take the client address from `X-Forwarded-For` (leftmost entry). Only safe because the service is
   * reachable solely through the gateway, which replaces any client-supplied value.
   */
  AUTH_TRUST_FORWARDED_FOR: bool.default(true),
  /** SMTP server for mail (`smtp://user:pass@host:587`, `smtps://…:465`); unset → the development mailbox. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** `From:` of every mail, e.g. `Payments <no-reply@example.com>`. */
  MAIL_FROM: z
    .string()
    .min(3)
    .max(320)
    .regex(/@/, "must contain an address")
    .default("Payments <no-reply@localhost>"),
  /** The platform's public origin: links in mails point there. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  /** The development mailbox (mail goes there without SMTP_URL; its page is never served in production). */
  MAILBOX_DIR: z.string().min(1).default(".data/mailbox"),
  /** Password-reset and verification mails per address per hour, and per client address per hour. */
  AUTH_MAIL_REQUESTS_PER_ADDRESS_HOUR: int(1, 1000).default(5),
  AUTH_MAIL_REQUESTS_PER_IP_HOUR: int(1, 1_000_000).default(50),
  /**
   * Webhooks (docs/adr/0034): let endpoints point at private, loopback and link-local addresses (tests and
   * local demos only: otherwise a webhook could probe the platform's own network).
   */
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /** Factor on the retry schedule (5 s … 10 h) and the 5-day disable rule; tests shrink it, production keeps 1. */
  WEBHOOKS_RETRY_SCALE: z.coerce.number().positive().max(1).default(1),
});

/** Parsed {@link authEnv}. */
export type AuthConfig = z.infer<typeof authEnv>;

/** Parses the auth service's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const config = parseConfig(authEnv, env, "auth");
  if (config.NODE_ENV === "production" && !config.AUTH_KEY_ENCRYPTION_KEY) {
    process.stderr.write(
      "auth: invalid configuration\n  - AUTH_KEY_ENCRYPTION_KEY: missing (required in production)\n",
    );
    process.exit(1);
  }
  return config;
}

/** Settings of the seed command (`bun run seed`). */
export const seedEnv = authEnv.extend({
  SEED_ADMIN_EMAIL: z.email().max(254).optional(),
  SEED_ADMIN_PASSWORD: z.string().max(128).optional(),
  SEED_ADMIN_NAME: z.string().min(1).max(200).default("Administrator"),
});

/** Parsed {@link seedEnv}. */
export type SeedConfig = z.infer<typeof seedEnv>;

/** Parses the seed command's environment. */
export function loadSeedConfig(env: Record<string, string | undefined> = process.env): SeedConfig {
  return parseConfig(seedEnv, env, "auth seed");
}
