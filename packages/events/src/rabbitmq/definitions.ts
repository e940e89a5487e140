import { DEFAULT_RETRY_DELAYS_MS } from "../bus/index.ts";
import {
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
  bindings: Array<{
    source: string;
    vhost: string;
    destination: string;
    destination_type: "queue";
    routing_key: string;
    arguments: Record<string, never>;
  }>;
}

/**
 * `topology` in RabbitMQ's definitions format, for operators who pre-create it (import at boot, or
 * `rabbitmqctl import_definitions`). Exclusive queues belong to a connection and cannot be pre-created, so
 * they and their bindings are left out.
 */
export function toDefinitions(topology: Topology, vhost = "/"): RabbitDefinitions {
  const durable = new Set(topology.queues.filter((q) => !q.exclusive).map((q) => q.name));
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
