import { commonEnv, parseConfig } from "@payments/service-kit";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The admin service's settings. */
export const adminEnv = commonEnv.extend({
  ADMIN_PORT: port.default(3003),
  /** 127.0.0.1 locally (the gateway is in front); compose sets 0.0.0.0. */
  ADMIN_HOST: z.string().min(1).default("127.0.0.1"),
  /** Postgres URL; unset → embedded PGlite in ADMIN_DATA_DIR. */
  ADMIN_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  ADMIN_DATA_DIR: z.string().min(1).default(".data/admin"),
  ADMIN_DB_POOL_SIZE: int(1, 200).default(10),
  /**
   * Where access tokens' public keys are. Unset: the auth service started in the same process (embedded
   * mode), else AUTH_URL + `/.well-known/jwks.json`.
   */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:3001"),
  /** Must equal the auth service's AUTH_ISSUER / AUTH_AUDIENCE. */
  AUTH_ISSUER: z.string().min(1).max(200).default("urn:payments:auth"),
  AUTH_AUDIENCE: z.string().min(1).max(200).default("urn:payments:api"),
  /** Per-minute dashboard buckets older than this are deleted (per-day buckets are kept). */
  ADMIN_MINUTE_BUCKET_RETENTION_HOURS: int(2, 24 * 30).default(48),
  /** Inbox rows (event ids already applied) are kept this long; the audit log itself is never pruned. */
  ADMIN_INBOX_RETENTION_DAYS: int(1, 365).default(30),
});

/** Parsed {@link adminEnv}. */
export type AdminConfig = z.infer<typeof adminEnv>;

/** Parses the admin service's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AdminConfig {
  return parseConfig(adminEnv, env, "admin");
}
