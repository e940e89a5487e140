import type { Tracer } from "@opentelemetry/api";
import { type JwtVerifier, rememberVerifiedTokens, requireAuth } from "@payments/auth-verify";
import type { Cache } from "@payments/cache";
import { createServiceApp, type HealthProbe, type Logger, type ServiceApp } from "@payments/service-kit";
import type { Registry } from "prom-client";
import { createIdempotency } from "./actions/idempotency.ts";
import type { PaymentsCore, PaymentsDb } from "./core.ts";
import { createLedgerCore, type LedgerCore, type LedgerSettings } from "./ledger/core.ts";
import { ledgerRoutes } from "./ledger/routes/ledger.ts";
import { createPaymentMetrics } from "./metrics.ts";
import { createPolicyHolder, type PolicyHolder } from "./policy.ts";
import type { PaymentProcessor } from "./processor/processor.ts";
import { paymentRoutes, type RouteDeps } from "./routes/payments.ts";
import { queryRoutes } from "./routes/queries.ts";

/** Everything the payments app needs, passed in so tests build it with real or embedded adapters. */
export interface PaymentsDeps {
  db: PaymentsDb;
  cache: Cache;
  logger: Logger;
  /** Verifies access tokens (auth's JWKS). */
  verifier: JwtVerifier;
  /** Used by refunds; charges go through the worker. */
  processor: PaymentProcessor;
  /** Currencies a payment may be made in while no `policy` is given (or it has not heard from admin). */
  currencies: readonly string[];
  /** The payment policy, kept current from admin's configuration (server.ts); default: `currencies` only. */
  policy?: PolicyHolder;
  tracer?: Tracer;
  registry?: Registry;
  probes?: HealthProbe[];
  now?: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  onEventsCommitted?: () => void;
  /** How long a duplicate request waits for the first one with its idempotency key (default 10 s). */
  idempotencyWaitMs?: number;
  /** Processor call budget for refunds (default 1.5 s). */
  processorTimeoutMs?: number;
  /** The ledger module's timings (docs/adr/0031); default 2 days' settlement delay, 1 day in transit. */
  ledger?: Partial<LedgerSettings>;
}

/** The app, plus the core its routes use (the worker and event handlers share it). */
export interface PaymentsApp extends ServiceApp {
  core: PaymentsCore;
  /** The ledger module's core (server.ts starts its consumer and timers). */
  ledger: LedgerCore;
}

/** Payment requests are small JSON documents; 64 KiB leaves room for full metadata. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Longest an event waits in the outbox before the relay is woken for it. Waking the relay after every
 * commit made it run one pass (a transaction of five queries) for every two or three events under load;
 * woken at most this often, one pass publishes what many transactions wrote.
 */
const RELAY_WAKE_MS = 5;

/** `wake`, called at most once per `ms` however often this is called (the first call waits `ms`). */
function coalesce(wake: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      wake();
    }, ms);
  };
}

/** The payments service as a pure Hono app: no env reads, no listening, no background work. */
export function createApp(deps: PaymentsDeps): PaymentsApp {
  const kit = createServiceApp({
    service: "payments",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: [...(deps.probes ?? []), deps.cache.probe],
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  const now = deps.now ?? (() => new Date());
  const metrics = createPaymentMetrics(kit.registry);
  const core: PaymentsCore = {
    db: deps.db,
    cache: deps.cache,
    logger: deps.logger,
    metrics,
    policy: deps.policy ?? createPolicyHolder({ currencies: deps.currencies, logger: deps.logger }),
    now,
    eventsCommitted: deps.onEventsCommitted ? coalesce(deps.onEventsCommitted, RELAY_WAKE_MS) : () => {},
  };
  const verifier = rememberVerifiedTokens(deps.verifier);
  const routeDeps: RouteDeps = {
    core,
    idempotency: createIdempotency({ db: deps.db, metrics, now, waitMs: deps.idempotencyWaitMs ?? 10_000 }),
    refunds: { processor: deps.processor, processorTimeoutMs: deps.processorTimeoutMs ?? 1_500 },
    guards: {
      // API keys reach a route when they hold the scopes its contract operation names (docs/adr/0033).
      user: requireAuth(verifier, { service: "payments" }),
      customer: requireAuth(verifier, { roles: ["customer"], service: "payments" }),
    },
  };

  // Payments are private: no browser or proxy may keep a copy.
  kit.app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  const ledger = createLedgerCore({
    db: deps.db,
    logger: deps.logger,
    now,
    fees: () => core.policy.current().fees,
    registry: kit.registry,
    settings: deps.ledger,
  });
  // Literal paths first: `/reports/summary`, `/payees`, `/balance`, `/payouts` must never be taken for `/:id`.
  kit.app.route(
    "/",
    ledgerRoutes({
      ledger,
      idempotency: routeDeps.idempotency,
      guards: {
        // API keys reach the reads that name `balance:read`; moving money stays with people (docs/adr/0033).
        vendor: requireAuth(verifier, { roles: ["vendor"], service: "payments" }),
        admin: requireAuth(verifier, { roles: ["admin"], service: "payments" }),
      },
    }),
  );
  kit.app.route("/", queryRoutes(routeDeps));
  kit.app.route("/", paymentRoutes(routeDeps));
  return { ...kit, core, ledger };
}
