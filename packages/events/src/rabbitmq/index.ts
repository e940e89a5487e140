export type { ConnectionState } from "./connection.ts";
export { type DeadLetterAdmin, openDeadLetterAdmin, type QueueDepth } from "./dead-letters.ts";
export {
  PLATFORM_SUBSCRIPTIONS,
  PLATFORM_TOPOLOGY_SETTINGS,
  platformTopology,
  type RabbitDefinitions,
  toDefinitions,
} from "./definitions.ts";
export { HEADER } from "./headers.ts";
export type { RabbitBusOptions } from "./options.ts";
export { PublishError } from "./publisher.ts";
export { createRabbitBus, type RabbitBus } from "./rabbit-bus.ts";
export {
  type BindingSpec,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_EXCHANGE,
  deadLetterExchangeName,
  deadLetterQueueName,
  declareTopology,
  describeTopology,
  type ExchangeSpec,
  type QueueKind,
  type QueueSpec,
  retryQueueName,
  type SubscriptionSpec,
  type Topology,
  type TopologySettings,
} from "./topology.ts";
