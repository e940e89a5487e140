import type { Tracer } from "@opentelemetry/api";
import { isValidTopicPattern } from "../topic/index.ts";
import type { SubscribeOptions } from "./bus.ts";

/** Retry delays used when a subscription names none: quick recovery first, then give a dependency time. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 10_000, 60_000];

/** Default AMQP-style prefetch: enough parallelism for I/O-bound handlers, bounded memory. */
export const DEFAULT_PREFETCH = 100;

/** {@link SubscribeOptions} with defaults applied and checked. */
export interface ResolvedSubscribeOptions {
  retryDelaysMs: readonly number[];
  maxAttempts: number;
  prefetch: number;
  tracer?: Tracer | undefined;
}

/** Applies defaults; throws a `TypeError` naming the option when a value is unusable. */
export function resolveSubscribeOptions(opts: SubscribeOptions = {}): ResolvedSubscribeOptions {
  const retryDelaysMs = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (const delay of retryDelaysMs) {
    if (!Number.isFinite(delay) || delay < 0) {
      throw new TypeError(`retryDelaysMs: ${delay} is not a non-negative number of milliseconds`);
    }
  }
  const maxAttempts = opts.maxAttempts ?? retryDelaysMs.length + 1;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`maxAttempts: ${maxAttempts} is not a positive integer`);
  }
  if (maxAttempts > 1 && retryDelaysMs.length === 0) {
    throw new TypeError("retryDelaysMs: empty, but maxAttempts allows retries");
  }
  const prefetch = opts.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65_535) {
    throw new TypeError(`prefetch: ${prefetch} is not an integer in 1..65535`);
  }
  return { retryDelaysMs: [...retryDelaysMs], maxAttempts, prefetch, tracer: opts.tracer };
}

/** Delay before the retry that follows delivery `attempt` (1-based); beyond the list the last one repeats. */
export function retryDelayFor(options: ResolvedSubscribeOptions, attempt: number): number {
  return options.retryDelaysMs[Math.min(attempt, options.retryDelaysMs.length) - 1] ?? 0;
}

/** Throws a `TypeError` unless `queue` and `patterns` are usable names for an AMQP queue and its bindings. */
export function assertSubscription(queue: string, patterns: readonly string[]): void {
  // `amq.` is reserved by AMQP; dots and dashes allow names like `gateway.<instance>`.
  if (!/^[a-z0-9][a-z0-9._-]{0,199}$/.test(queue) || queue.startsWith("amq.")) {
    throw new TypeError(`queue: "${queue}" is not a valid queue name`);
  }
  if (patterns.length === 0) throw new TypeError("patterns: at least one binding pattern is required");
  for (const pattern of patterns) {
    if (!isValidTopicPattern(pattern)) throw new TypeError(`patterns: "${pattern}" is not a topic pattern`);
  }
}
