export {
  enqueueEvents,
  type EventPublisher,
  type OutboxRelay,
  type OutboxRelayOptions,
  startOutboxRelay,
} from "./outbox.ts";
export { inbox, outbox } from "./tables.ts";
