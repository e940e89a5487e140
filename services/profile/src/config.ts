import { commonEnv, parseConfig } from "@payments/service-kit";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The profile service's settings. */
export const profileEnv = commonEnv.extend({
  PROFILE_PORT: port.default(3004),
  /** 127.0.0.1 locally (the gateway is in front); compose sets 0.0.0.0. */
  PROFILE_HOST: z.string().min(1).default("127.0.0.1"),
  /** Postgres URL; unset → embedded PGlite in PROFILE_DATA_DIR. */
  PROFILE_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PROFILE_DATA_DIR: z.string().min(1).default(".data/profile"),
  PROFILE_DB_POOL_SIZE: int(1, 200).default(10),
  /**
   * What `user.deactivated` does to a profile: `anonymise` scrubs personal data and keeps a placeholder
   * (preferences stay), `delete` removes profile data and preferences, keeping only the user id.
   */
  PROFILE_DEACTIVATION_POLICY: z.enum(["anonymise", "delete"]).default("anonymise"),
  /** How long a cached profile read may be served (every change invalidates it at once). */
  PROFILE_CACHE_TTL_SECONDS: int(1, 86_400).default(300),
  /** Inbox rows (event ids already applied) are kept this long. */
  PROFILE_INBOX_RETENTION_DAYS: int(1, 365).default(30),
  /** Notifications older than this are deleted by a daily purge (docs/adr/0028). */
  PROFILE_NOTIFICATION_RETENTION_DAYS: int(1, 3650).default(90),
  /** Mail as auth sends it (same variables): SMTP server, else the development mailbox in MAILBOX_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z
    .string()
    .min(3)
    .max(320)
    .regex(/@/, "must contain an address")
    .default("Payments <no-reply@localhost>"),
  /** The platform's public origin: links in notification mails point there. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  MAILBOX_DIR: z.string().min(1).default(".data/mailbox"),
  /**
   * Where access tokens' public keys are. Unset: the auth service started in the same process (embedded
   * mode), else AUTH_URL + `/.well-known/jwks.json`.
   */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:3001"),
  /** Must equal the auth service's AUTH_ISSUER / AUTH_AUDIENCE. */
  AUTH_ISSUER: z.string().min(1).max(200).default("urn:payments:auth"),
  AUTH_AUDIENCE: z.string().min(1).max(200).default("urn:payments:api"),
});

/** Parsed {@link profileEnv}. */
export type ProfileConfig = z.infer<typeof profileEnv>;

/** Parses the profile service's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ProfileConfig {
  return parseConfig(profileEnv, env, "profile");
}
