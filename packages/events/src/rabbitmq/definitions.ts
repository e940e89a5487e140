import { DEFAULT_RETRY_DELAYS_MS } from "../bus/index.ts";
import {
  CLASSIC_QUEUE_VERSION,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_EXCHANGE,
  describeTopology,
  type SubscriptionSpec,
  type Topology,
  type TopologySettings,
} from "./topology.ts";

/**
 * The platform's durable consumers (ARCHITECTURE §1): queue name = consuming service. Services subscribe
 * with these so the queues the code declares are the ones in `infra/rabbitmq/definitions.json`. auth only
 * publishes; each gateway instance (WebSocket fan-out) and each payments instance (`config.updated`, its
 * in-memory policy) declares its own exclusive queue at run time, so those are not listed.
 */
export const PLATFORM_SUBSCRIPTIONS: readonly SubscriptionSpec[] = [
  {
    queue: "payments",
    // config.updated is not here: every payments instance follows it on an exclusive queue of its own.
    patterns: ["user.*", "payment.created"],
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    exclusive: false,
  },
  {
    // The payments service's ledger module (docs/adr/0031): its own queue and inbox consumer.
    queue: "ledger",
    patterns: ["payment.succeeded", "refund.succeeded"],
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    exclusive: false,
  },
  { queue: "admin", patterns: ["#"], retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, exclusive: false },
  {
    queue: "profile",
    patterns: ["user.registered", "user.updated", "user.deactivated"],
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    exclusive: false,
  },
];

/** Settings the platform runs with (the bus defaults). */
export const PLATFORM_TOPOLOGY_SETTINGS: TopologySettings = {
  exchange: DEFAULT_EXCHANGE,
  deliveryLimit: DEFAULT_DELIVERY_LIMIT,
};

/** Topology of the whole platform with default settings. */
export function platformTopology(settings: TopologySettings = PLATFORM_TOPOLOGY_SETTINGS): Topology {
  return describeTopology(settings, PLATFORM_SUBSCRIPTIONS);
}

/** The subset of RabbitMQ's definitions format (`rabbitmqctl import_definitions`) the topology needs. */
export interface RabbitDefinitions {
  exchanges: Array<{
    name: string;
    vhost: string;
    type: string;
    durable: boolean;
    auto_delete: boolean;
    internal: boolean;
    arguments: Record<string, never>;
  }>;
  queues: Array<{
    name: string;
    vhost: string;
    durable: boolean;
    auto_delete: boolean;
    arguments: Record<string, string | number>;
  }>;
  policies: Array<{
    vhost: string;
    name: string;
    pattern: string;
    "apply-to": "queues";
    definition: Record<string, string | number>;
    priority: number;
  }>;
  bindings: Array<{
    source: string;
    vhost: string;
    destination: string;
    destination_type: "queue";
    routing_key: string;
    arguments: Record<string, never>;
  }>;
}

/** A policy: settings RabbitMQ applies to every queue whose name matches `pattern`. */
export interface PolicySpec {
  name: string;
  pattern: string;
  definition: Record<string, string | number>;
  priority: number;
}

/** Name of the policy {@link classicQueueVersionPolicy} returns. */
export const CLASSIC_QUEUE_VERSION_POLICY = "events-classic-queue-version";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The policy that puts `topology`'s durable classic queues (the dead-letter queues) on storage version 2,
 * or undefined when it has none. A policy, not the `x-queue-version` argument: the argument is checked for
 * equivalence, so adding it would make every re-declaration of a queue that already exists fail, while a
 * policy converts existing queues in place and leaves declarations as they were (ADR 0010). RabbitMQ
 * applies one policy per queue (the highest priority); one of an operator's own that matches these names
 * must carry `queue-version: 2` too. RabbitMQ 3.10 refuses `queue-version` in operator policies.
 */
export function classicQueueVersionPolicy(topology: Topology): PolicySpec | undefined {
  const names = topology.queues
    .filter((q) => q.durable && (q.arguments["x-queue-type"] ?? "classic") === "classic")
    .map((q) => escapeRegExp(q.name));
  if (names.length === 0) return undefined;
  return {
    name: CLASSIC_QUEUE_VERSION_POLICY,
    pattern: `^(?:${names.join("|")})$`,
    definition: { "queue-version": CLASSIC_QUEUE_VERSION },
    priority: 0,
  };
}

/**
 * `topology` in RabbitMQ's definitions format, for operators who pre-create it (import at boot, or
 * `rabbitmqctl import_definitions`). Exclusive queues belong to a connection and cannot be pre-created, so
 * they and their bindings are left out; the durable classic queues get {@link classicQueueVersionPolicy}.
 */
export function toDefinitions(topology: Topology, vhost = "/"): RabbitDefinitions {
  const durable = new Set(topology.queues.filter((q) => !q.exclusive).map((q) => q.name));
  const policy = classicQueueVersionPolicy(topology);
  return {
    exchanges: topology.exchanges.map((e) => ({
      name: e.name,
      vhost,
      type: e.type,
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
    queues: topology.queues
      .filter((q) => durable.has(q.name))
      .map((q) => ({
        name: q.name,
        vhost,
        durable: q.durable,
        auto_delete: q.autoDelete,
        arguments: q.arguments,
      })),
    policies: policy
      ? [
          {
            vhost,
            name: policy.name,
            pattern: policy.pattern,
            "apply-to": "queues",
            definition: policy.definition,
            priority: policy.priority,
          },
        ]
      : [],
    bindings: topology.bindings
      .filter((b) => durable.has(b.queue))
      .map((b) => ({
        source: b.exchange,
        vhost,
        destination: b.queue,
        destination_type: "queue",
        routing_key: b.pattern,
        arguments: {},
      })),
  };
}

// `bun packages/events/src/rabbitmq/definitions.ts > infra/rabbitmq/definitions.json` regenerates the file.
if (import.meta.main) console.log(JSON.stringify(toDefinitions(platformTopology()), null, 2));
