/**
 * Private servers for the chaos run, on random ports: other suites use the machine's shared Postgres, Redis
 * and RabbitMQ at the same time, and the chaos run stops and starts its servers. Postgres is a cluster of its
 * own and Redis a process of its own (@payments/testing's), RabbitMQ a node of its own (the events package's
 * private broker).
 */
import { startPrivatePostgres, startPrivateRedis } from "@payments/testing";
import {
  type PrivateBroker,
  startPrivateBroker,
} from "../../packages/events/src/rabbitmq/private-broker/index.ts";

// The shared helper's; platform.ts picks the services' ports with it.
export { freePort } from "@payments/testing";

/** A server the chaos run can take down and bring back. */
export interface Stoppable {
  readonly url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  destroy(): Promise<void>;
}

/** Redis with no persistence (a restart loses the cache, as a real cache restart would); down = SIGKILL. */
export function privateRedis(dir: string): Promise<Stoppable> {
  return startPrivateRedis({ dir });
}

/** A Postgres cluster of its own (the shared test helper; room for the platform's pools and the clients). */
export function privatePostgres(): Promise<Stoppable> {
  return startPrivatePostgres({ maxConnections: 200 });
}

/** A RabbitMQ node of its own; down = `stop_app` (clients disconnected), up = `start_app`. */
export async function privateRabbit(): Promise<Stoppable> {
  const broker: PrivateBroker = await startPrivateBroker();
  return {
    url: broker.url,
    down: () => broker.stopApp(),
    up: () => broker.startApp(),
    destroy: () => broker.stop(),
  };
}
