/**
 * The platform's event bus: one interface, the in-process embedded default, topic routing and the bus
 * metrics. The shared contract suite lives at `@payments/events/contract` (it imports `bun:test`).
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
export { createInProcessBus, type InProcessBus, type InProcessBusOptions } from "./in-process/index.ts";
export { type BusMetrics, type ConsumeOutcome, createBusMetrics, typeLabel } from "./metrics/index.ts";
export { isValidTopicPattern, topicMatches } from "./topic/index.ts";
export { applyOnce, type InboxOutcome, pruneInbox } from "./inbox/index.ts";
export {
  enqueueEvents,
  type EventPublisher,
  inbox,
  type OutboxRelay,
  type OutboxRelayOptions,
  outbox,
  startOutboxRelay,
} from "./outbox/index.ts";
