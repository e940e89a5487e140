export {
  type EventPublisher,
  enqueueEvents,
  type OutboxRelay,
  type OutboxRelayOptions,
  startOutboxRelay,
} from "./outbox.ts";
export { inbox, outbox } from "./tables.ts";
export { type Emit, type EventsTarget, withEvents } from "./with-events.ts";
