import {
  DEFAULT_FEES,
  type FeeSchedule,
  MAX_AMOUNT,
  type PublicConfig,
  paymentLimitsFor,
  publicConfigSchema,
} from "@payments/contracts";
import { type ApiError, badRequest, type Logger } from "@payments/service-kit";

/**
 * What a payment may be: the currencies and the amount limits of the system configuration (owned by the
 * admin service). `version` is admin's; -1 means "not heard from admin yet": the env defaults.
 */
export interface PaymentPolicy {
  readonly version: number;
  readonly currencies: readonly string[];
  readonly limits: PublicConfig["settings"]["payment_limits"];
  /** Platform fees the ledger charges (docs/adr/0032). */
  readonly fees: FeeSchedule;
}

/** Reads admin's current public configuration (`GET /config/public`); throws on any failure. */
export type ConfigSource = () => Promise<PublicConfig>;

/** The current policy, kept up to date from admin in the background. */
export interface PolicyHolder {
  current(): PaymentPolicy;
  /** The refusal of a payment of `amount` in `currency` under the current policy, or undefined. */
  refusal(currency: string, amount: number): ApiError | undefined;
  /** Adopts `config` when it is newer than the current policy (never moves back); true when it did. */
  adopt(config: PublicConfig): boolean;
  /**
   * Fetches admin's configuration in the background until it has at least `minVersion` (0: any). Failures
   * keep the current policy and retry with backoff; never throws, never blocks the caller.
   */
  refresh(minVersion?: number): void;
  /** Resolves once no fetch is running (a retry may still be scheduled). */
  settled(): Promise<void>;
  stop(): void;
}

/** Options of {@link createPolicyHolder}. */
export interface PolicyOptions {
  /** Currencies until admin answers (`PAYMENTS_CURRENCIES`). */
  currencies: readonly string[];
  logger: Logger;
  /** Where admin's configuration comes from; none: the defaults are final (tests, admin-less runs). */
  source?: ConfigSource | undefined;
  /** First and longest retry delay after a failed fetch (default 500 ms and 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The policy of the env defaults: the given currencies, any amount the API accepts. */
export function defaultPolicy(currencies: readonly string[]): PaymentPolicy {
  return {
    version: -1,
    currencies: [...currencies],
    limits: { default: { min_amount: 1, max_amount: MAX_AMOUNT }, per_currency: {} },
    fees: DEFAULT_FEES,
  };
}

/** Why `amount` in `currency` is refused under `policy`, as the API's uniform 400, or undefined. */
export function policyRefusal(policy: PaymentPolicy, currency: string, amount: number): ApiError | undefined {
  if (!policy.currencies.includes(currency)) {
    return badRequest(
      "unsupported_currency",
      `Currency ${currency} is not supported (supported: ${policy.currencies.join(", ")}).`,
      "currency",
    );
  }
  const { min_amount, max_amount } = paymentLimitsFor(policy.limits, currency);
  if (amount < min_amount || amount > max_amount) {
    return badRequest(
      "amount_out_of_range",
      `Amount must be between ${min_amount} and ${max_amount} (minor units of ${currency}).`,
      "amount",
    );
  }
  return undefined;
}

/** Reads `GET <baseUrl>/config/public` with a timeout, parsed tolerantly by {@link publicConfigSchema}. */
export function adminConfigSource(baseUrl: string, timeoutMs = 3_000): ConfigSource {
  const url = new URL("config/public", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
  return async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    return publicConfigSchema.parse(await res.json());
  };
}

/**
 * The policy holder: starts from the env defaults and follows admin's configuration, forward only, so a
 * slow fetch answered after a newer one cannot bring back an older policy.
 */
export function createPolicyHolder(opts: PolicyOptions): PolicyHolder {
  const { logger, source } = opts;
  const baseMs = opts.retryBaseMs ?? 500;
  const maxMs = opts.retryMaxMs ?? 30_000;
  let policy = defaultPolicy(opts.currencies);
  // Highest version asked for: a fetch that returns less (admin behind its own cache) is retried.
  let wanted = 0;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;

  const adopt = (config: PublicConfig): boolean => {
    if (config.version <= policy.version) return false;
    policy = {
      version: config.version,
      currencies: [...config.settings.supported_currencies],
      limits: config.settings.payment_limits,
      fees: config.settings.fees,
    };
    logger.info({ version: policy.version, currencies: policy.currencies }, "payment policy updated");
    return true;
  };

  const schedule = () => {
    if (stopped || timer !== undefined) return;
    // Exponential backoff with full jitter, so replicas do not retry in step against a recovering admin.
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 16));
    timer = setTimeout(
      () => {
        timer = undefined;
        start();
      },
      Math.max(baseMs, Math.random() * ceiling),
    );
    timer.unref?.();
  };

  const fetchOnce = async () => {
    if (!source) return;
    try {
      adopt(await source());
      if (policy.version >= wanted) {
        failures = 0;
        return;
      }
      failures++;
      logger.warn({ version: policy.version, wanted }, "admin config older than announced; retrying");
    } catch (err) {
      failures++;
      logger.warn(
        { err, failures, version: policy.version },
        "could not read admin config; keeping the last payment policy",
      );
    }
    schedule();
  };

  // One fetch at a time; a refresh asked for meanwhile runs right after it if still needed.
  let again = false;
  const start = () => {
    if (stopped || running) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    again = false;
    running = fetchOnce().finally(() => {
      running = undefined;
      if (again && policy.version < wanted) start();
    });
  };

  return {
    current: () => policy,
    refusal: (currency, amount) => policyRefusal(policy, currency, amount),
    adopt,
    refresh(minVersion = 0) {
      wanted = Math.max(wanted, minVersion);
      if (!source || stopped) return;
      // An announced version already adopted (a redelivery, or read at start-up) needs no fetch.
      if (minVersion > 0 && policy.version >= minVersion) return;
      // The running fetch may have been sent before this version existed.
      if (running) again = true;
      else start();
    },
    async settled() {
      while (running) await running;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
