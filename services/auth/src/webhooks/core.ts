import type { Logger } from "@payments/service-kit";
import type { AuthDb } from "../db/queries.ts";
import type { KeySealer } from "../security/key-encryption.ts";
import { DISABLE_AFTER_FAILING_MS } from "./schedule.ts";
import { type Resolve, resolveAll, type TargetPolicy } from "./targets.ts";

/** Webhook settings (docs/adr/0034); services/auth/src/config.ts reads them from WEBHOOKS_*. */
export interface WebhookSettings extends TargetPolicy {
  /** Factor on the retry schedule and the 5-day disable rule (1 in production; tests shrink it). */
  retryScale: number;
  /** A 2xx within this many milliseconds counts as delivered (15 s). */
  timeoutMs: number;
  /** Deliveries sent at once by one worker. */
  concurrency: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  httpsOnly: false,
  allowPrivate: false,
  retryScale: 1,
  timeoutMs: 15_000,
  concurrency: 16,
};

/** Wakes the delivery worker when there is new work, instead of it polling fast. */
export interface Waker {
  wake(): void;
  /** Resolves after `ms`, or earlier on `wake()`. */
  wait(ms: number): Promise<void>;
}

export function createWaker(): Waker {
  let waiting: (() => void) | undefined;
  let pending = false;
  return {
    wake() {
      pending = true;
      waiting?.();
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          waiting = undefined;
          pending = false;
          resolve();
        }
        waiting = done;
      });
    },
  };
}

/** What the webhook module works with. */
export interface WebhooksCore {
  db: AuthDb;
  logger: Logger;
  now: () => Date;
  /** Seals signing secrets at rest. */
  secrets: KeySealer;
  settings: WebhookSettings;
  fetch: typeof fetch;
  resolve: Resolve;
  worker: Waker;
  /** Milliseconds of failing after which an endpoint is disabled (5 days × retryScale). */
  disableAfterMs: number;
  /** Where the owner's mail links point, and the mail relay to wake after a mail was written. */
  mail: { publicBaseUrl: string; committed: () => void };
}

export function createWebhooksCore(opts: {
  db: AuthDb;
  logger: Logger;
  now: () => Date;
  secrets: KeySealer;
  settings?: Partial<WebhookSettings>;
  fetch?: typeof fetch;
  resolve?: Resolve;
  mail?: WebhooksCore["mail"];
}): WebhooksCore {
  const settings = { ...DEFAULT_WEBHOOK_SETTINGS, ...opts.settings };
  return {
    db: opts.db,
    logger: opts.logger,
    now: opts.now,
    secrets: opts.secrets,
    settings,
    fetch: opts.fetch ?? fetch,
    resolve: opts.resolve ?? resolveAll,
    worker: createWaker(),
    disableAfterMs: DISABLE_AFTER_FAILING_MS * settings.retryScale,
    mail: opts.mail ?? { publicBaseUrl: "http://localhost:3000", committed: () => {} },
  };
}
