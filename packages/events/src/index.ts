/**
 * The platform's event bus: one interface, the in-process embedded default, the RabbitMQ bus, topic
 * routing, the bus metrics, the transactional outbox and the inbox, and the start every service that owns a
 * database shares (database, migrations, outbox relay, shutdown). The shared contract suite lives at
 * `@payments/events/contract` (it imports `bun:test`).
 */
export type { EventEnvelope } from "@payments/contracts";
export {
  assertSubscription,
  DEFAULT_PREFETCH,
  DEFAULT_RETRY_DELAYS_MS,
  type DeadLetter,
  type DeliveryContext,
  type EventBus,
  type EventHandler,
  type HealthProbe,
  type LoggerLike,
  type ResolvedSubscribeOptions,
  resolveSubscribeOptions,
  retryDelayFor,
  type SubscribeOptions,
  type Subscription,
} from "./bus/index.ts";
export {
  type DatabaseConfig,
  type DataService,
  type DataServiceInfra,
  type DataServiceOptions,
  databaseSettings,
  startDataService,
} from "./data-service/index.ts";
export { createInProcessBus, type InProcessBus, type InProcessBusOptions } from "./in-process/index.ts";
export { applyOnce, type InboxOutcome, pruneInbox } from "./inbox/index.ts";
export { type BusMetrics, type ConsumeOutcome, createBusMetrics, typeLabel } from "./metrics/index.ts";
export {
  type Emit,
  type EventPublisher,
  type EventsTarget,
  enqueueEvents,
  inbox,
  type OutboxRelay,
  type OutboxRelayOptions,
  outbox,
  startOutboxRelay,
  withEvents,
} from "./outbox/index.ts";
export {
  type ConnectionState,
  createRabbitBus,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_EXCHANGE,
  type DeadLetterAdmin,
  deadLetterExchangeName,
  deadLetterQueueName,
  declareTopology,
  describeTopology,
  HEADER,
  openDeadLetterAdmin,
  PLATFORM_SUBSCRIPTIONS,
  PLATFORM_TOPOLOGY_SETTINGS,
  PublishError,
  platformTopology,
  type QueueDepth,
  type QueueSpec,
  type RabbitBus,
  type RabbitBusOptions,
  type RabbitDefinitions,
  retryQueueName,
  type SubscriptionSpec,
  type Topology,
  type TopologySettings,
  toDefinitions,
} from "./rabbitmq/index.ts";
export { isValidTopicPattern, topicMatches } from "./topic/index.ts";
