import type { Channel } from "amqplib";

/**
 * The RabbitMQ topology as data: what the bus declares at start and on every reconnect, and what
 * `infra/rabbitmq/definitions.json` holds for operators. One description feeds both, so they cannot drift.
 *
 * Per consuming queue `<q>` (ARCHITECTURE §5):
 * - `<q>`: durable quorum queue bound to the events exchange by the subscription's patterns, with
 *   `x-delivery-limit` (ends crash loops the consumer cannot count itself) dead-lettering to `<exchange>.dlx`;
 * - `<q>.retry.<ms>`: one durable quorum queue per retry delay, whose message TTL dead-letters back to `<q>`
 *   through the default exchange — the broker holds a failed message for the delay, no timer in a process;
 * - `<q>.dlq`: durable classic queue bound to `<exchange>.dlx` with key `<q>`. Classic on purpose: operators
 *   inspect it by getting and requeueing, which a quorum queue would count against its delivery limit.
 * An exclusive subscription (a gateway instance's fan-out queue) gets the same shape as exclusive,
 * non-durable classic queues that disappear with the connection.
 *
 * Classic queues run on storage version 2 (ADR 0010). Exclusive ones say so in `x-queue-version`: they are
 * new on every connection, so no broker holds one declared otherwise. Durable ones must not: RabbitMQ checks
 * the argument for equivalence, and a dead-letter queue an earlier release created (or an older replica
 * re-declares during a rolling deploy) would fail with PRECONDITION_FAILED. They get the version from the
 * policy in `infra/rabbitmq/definitions.json` (`classicQueueVersionPolicy` in definitions.ts), which also converts
 * existing queues in place.
 */

/** What one `subscribe()` needs declared. */
export interface SubscriptionSpec {
  queue: string;
  patterns: readonly string[];
  /** Retry delays of the subscription; one retry queue per distinct value. */
  retryDelaysMs: readonly number[];
  /** Per-instance queue: exclusive to the connection, auto-deleted, not durable. */
  exclusive: boolean;
}

/** Bus-wide settings that shape every queue's arguments. */
export interface TopologySettings {
  /** The topic exchange events are published to (`events`). */
  exchange: string;
  /** Redeliveries a quorum work queue allows before the broker dead-letters a message itself. */
  deliveryLimit: number;
}

/** Role of a queue in the topology. */
export type QueueKind = "work" | "retry" | "dead-letter";

/** One queue with the exact arguments it is declared with. */
export interface QueueSpec {
  name: string;
  kind: QueueKind;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: Record<string, string | number>;
}

/** One exchange. */
export interface ExchangeSpec {
  name: string;
  type: "topic" | "direct";
}

/** One queue binding. */
export interface BindingSpec {
  exchange: string;
  queue: string;
  pattern: string;
}

/** A set of exchanges, queues and bindings. */
export interface Topology {
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
}

/**
 * Storage version of every classic queue of the bus: about 1.3× the confirmed persistent publishes of
 * version 1 on the same broker CPU (RabbitMQ 3.10+; the only version from 4.3 on).
 */
export const CLASSIC_QUEUE_VERSION = 2;

/** Arguments of a classic queue declared new on every connection (safe to pin the version, see above). */
export function exclusiveClassicArguments(
  extra: Record<string, string | number> = {},
): Record<string, string | number> {
  return { ...extra, "x-queue-version": CLASSIC_QUEUE_VERSION };
}

/** Default topic exchange of the platform. */
export const DEFAULT_EXCHANGE = "events";

/** Default `x-delivery-limit` of work queues: only crash loops reach it, handler failures are counted by us. */
export const DEFAULT_DELIVERY_LIMIT = 10;

/** The dead-letter exchange that belongs to `exchange` (`events` → `events.dlx`). */
export function deadLetterExchangeName(exchange: string): string {
  return `${exchange}.dlx`;
}

/** Queue holding `queue`'s dead letters. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** Queue holding `queue`'s messages waiting `delayMs` before their next attempt. */
export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

/** The exchanges every bus declares: the topic exchange and its dead-letter exchange. */
export function baseTopology(exchange: string): Topology {
  return {
    exchanges: [
      { name: exchange, type: "topic" },
      { name: deadLetterExchangeName(exchange), type: "direct" },
    ],
    queues: [],
    bindings: [],
  };
}

function quorumArguments(extra: Record<string, string | number>): Record<string, string | number> {
  // at-least-once dead-lettering (3.10+) keeps a message until the target queue confirmed it; it requires
  // reject-publish overflow. The default (at-most-once) could drop a retry in flight during a failover.
  return {
    "x-queue-type": "quorum",
    ...extra,
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
  };
}

/** Queues and bindings of one subscription (exchanges come from {@link baseTopology}). */
export function subscriptionTopology(settings: TopologySettings, spec: SubscriptionSpec): Topology {
  const { queue, exclusive } = spec;
  const dlx = deadLetterExchangeName(settings.exchange);
  const delays = [...new Set(spec.retryDelaysMs)].sort((a, b) => a - b);
  const transient = { durable: false, exclusive: true };
  const work: QueueSpec = exclusive
    ? {
        name: queue,
        kind: "work",
        ...transient,
        autoDelete: true,
        arguments: exclusiveClassicArguments({
          "x-dead-letter-exchange": dlx,
          "x-dead-letter-routing-key": queue,
        }),
      }
    : {
        name: queue,
        kind: "work",
        durable: true,
        exclusive: false,
        autoDelete: false,
        arguments: quorumArguments({
          "x-delivery-limit": settings.deliveryLimit,
          "x-dead-letter-exchange": dlx,
          "x-dead-letter-routing-key": queue,
        }),
      };
  const retries: QueueSpec[] = delays.map((delay) => {
    // The default exchange ("") routes by queue name, so an expired retry lands on `queue` only, not on
    // every queue bound to the event type.
    const back = { "x-message-ttl": delay, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue };
    return exclusive
      ? {
          name: retryQueueName(queue, delay),
          kind: "retry",
          ...transient,
          autoDelete: false,
          arguments: exclusiveClassicArguments(back),
        }
      : {
          name: retryQueueName(queue, delay),
          kind: "retry",
          durable: true,
          exclusive: false,
          autoDelete: false,
          arguments: quorumArguments(back),
        };
  });
  const dead: QueueSpec = {
    name: deadLetterQueueName(queue),
    kind: "dead-letter",
    ...(exclusive ? transient : { durable: true, exclusive: false }),
    autoDelete: false,
    // Durable: no x-queue-version (the policy sets it); see the comment at the top.
    arguments: exclusive ? exclusiveClassicArguments() : { "x-queue-type": "classic" },
  };
  return {
    exchanges: [],
    queues: [work, ...retries, dead],
    bindings: [
      ...[...new Set(spec.patterns)].map((pattern) => ({ exchange: settings.exchange, queue, pattern })),
      { exchange: dlx, queue: dead.name, pattern: queue },
    ],
  };
}

/** Merges topologies, dropping repeats (same queue name, same exchange name, same binding). */
export function mergeTopology(...parts: Topology[]): Topology {
  const exchanges = new Map<string, ExchangeSpec>();
  const queues = new Map<string, QueueSpec>();
  const bindings = new Map<string, BindingSpec>();
  for (const part of parts) {
    for (const e of part.exchanges) exchanges.set(e.name, e);
    for (const q of part.queues) queues.set(q.name, q);
    for (const b of part.bindings) bindings.set(`${b.exchange}\u0000${b.queue}\u0000${b.pattern}`, b);
  }
  return {
    exchanges: [...exchanges.values()],
    queues: [...queues.values()],
    bindings: [...bindings.values()],
  };
}

/** The full topology for a set of subscriptions. */
export function describeTopology(settings: TopologySettings, specs: readonly SubscriptionSpec[]): Topology {
  return mergeTopology(
    baseTopology(settings.exchange),
    ...specs.map((s) => subscriptionTopology(settings, s)),
  );
}

/**
 * Declares `topology` on `channel`. Idempotent: re-declaring with the same arguments is a no-op in AMQP; a
 * queue that exists with different arguments fails with PRECONDITION_FAILED (closing the channel), which
 * is the signal that code and broker disagree.
 */
export async function declareTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of topology.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: true, autoDelete: false });
  }
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, {
      durable: queue.durable,
      exclusive: queue.exclusive,
      autoDelete: queue.autoDelete,
      arguments: queue.arguments,
    });
  }
  for (const binding of topology.bindings) {
    await channel.bindQueue(binding.queue, binding.exchange, binding.pattern);
  }
}
