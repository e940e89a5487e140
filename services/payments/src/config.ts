import { isSupportedCurrency } from "@payments/contracts";
import { commonEnv, parseConfig } from "@payments/service-kit";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const currencyList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().refine(isSupportedCurrency, "not an ISO-4217 currency")).min(1).max(200));

/** The payments service's settings. */
export const paymentsEnv = commonEnv.extend({
  PAYMENTS_PORT: port.default(3002),
  /** 127.0.0.1 locally (the gateway is in front); compose sets 0.0.0.0. */
  PAYMENTS_HOST: z.string().min(1).default("127.0.0.1"),
  /** Postgres URL; unset → embedded PGlite in PAYMENTS_DATA_DIR. */
  PAYMENTS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PAYMENTS_DATA_DIR: z.string().min(1).default(".data/payments"),
  PAYMENTS_DB_POOL_SIZE: int(1, 200).default(20),
  /** Currencies a payment may be made in until admin's system configuration is read (comma separated). */
  PAYMENTS_CURRENCIES: currencyList.default(["usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "sek"]),
  /**
   * Where access tokens' public keys are. Unset: the auth service started in the same process (embedded
   * mode), else AUTH_URL + `/.well-known/jwks.json`.
   */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:3001"),
  /**
   * The admin service, whose `GET /config/public` holds the supported currencies and payment limits. Unset:
   * the admin service started in the same process (embedded mode); none: PAYMENTS_CURRENCIES, no limits.
   */
  ADMIN_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Must equal the auth service's AUTH_ISSUER / AUTH_AUDIENCE. */
  AUTH_ISSUER: z.string().min(1).max(200).default("urn:payments:auth"),
  AUTH_AUDIENCE: z.string().min(1).max(200).default("urn:payments:api"),
  /** How long a duplicate request waits for the first one with its idempotency key before answering 409. */
  PAYMENTS_IDEMPOTENCY_WAIT_MS: int(0, 60_000).default(10_000),
  /** Simulated processor: latency of a normal call, and how long a "timeout" amount hangs. */
  PAYMENTS_SIMULATOR_LATENCY_MS: int(0, 10_000).default(40),
  PAYMENTS_SIMULATOR_HANG_MS: int(0, 60_000).default(3_000),
  /** The worker gives up on a processor call after this long and retries. */
  PAYMENTS_PROCESSOR_TIMEOUT_MS: int(10, 60_000).default(1_500),
  PAYMENTS_PROCESSOR_MAX_ATTEMPTS: int(1, 10).default(3),
  /** Ledger (docs/adr/0031): seconds before a payment's funds become available (default 2 days). */
  PAYMENTS_SETTLEMENT_DELAY_S: int(0, 90 * 86_400).default(2 * 86_400),
  /** Seconds a payout spends in transit at the simulated payout processor (default 1 day). */
  PAYMENTS_PAYOUT_ARRIVAL_S: int(0, 30 * 86_400).default(86_400),
  /** Hour of the day (UTC) of the daily scheduled payouts. */
  PAYMENTS_PAYOUT_HOUR_UTC: int(0, 23).default(6),
  /** `off`: no daily payouts, only those vendors request (e2e runs turn it off). */
  PAYMENTS_DAILY_PAYOUTS: z.enum(["on", "off"]).default("on"),
  /** How often the ledger releases due funds, moves payouts along and runs the daily schedule. */
  PAYMENTS_LEDGER_TICK_MS: int(100, 3_600_000).default(5_000),
  /** How often the reconciliation runs (its result is the `ledger_reconciliation_*` metrics). */
  PAYMENTS_LEDGER_RECONCILE_MS: int(1_000, 86_400_000).default(300_000),
  /** A payment or refund that succeeded this recently may still have its event in flight: not "missing". */
  PAYMENTS_LEDGER_MISSING_GRACE_S: int(0, 86_400).default(300),
});

/** Parsed {@link paymentsEnv}. */
export type PaymentsConfig = z.infer<typeof paymentsEnv>;

/** Parses the payments service's environment once; exits with a readable message on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): PaymentsConfig {
  return parseConfig(paymentsEnv, env, "payments");
}

/** Settings of the seed command (`bun run seed:payments`). */
export const seedEnv = paymentsEnv.extend({
  SEED_PAYMENTS: int(1, 100_000).default(400),
  SEED_DAYS: int(1, 365).default(90),
});

/** Parsed {@link seedEnv}. */
export type SeedConfig = z.infer<typeof seedEnv>;

/** Parses the seed command's environment. */
export function loadSeedConfig(env: Record<string, string | undefined> = process.env): SeedConfig {
  return parseConfig(seedEnv, env, "payments seed");
}
