import { createEvent, type EventEnvelope, type EventType, parseEvent } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import type { DeadLetter, DeliveryContext, EventBus, EventHandler } from "../bus/index.ts";

/**
 * What an implementation hands the contract suite. Every member must be implementable against a real
 * broker: RabbitMQ reads dead letters from `<queue>.dlq` and publishes raw bytes on the exchange.
 */
export interface EventBusHarness {
  /**
   * A fresh, isolated bus. The suite binds `#`, so a broker-backed harness should use its own exchange (or
   * vhost) per call; the suite also filters by the event ids it published.
   */
  bus: EventBus;
  /**
   * Resolves once nothing the test could still observe is in flight: no handler running, no message ready
   * for an existing consumer, no retry pending. The in-process bus knows this exactly (`idle()`); a broker
   * can poll queue depths and its in-flight count until quiet, with a deadline (see `waitFor`).
   */
  settle(): Promise<void>;
  /** Dead letters of `queue`, oldest first (RabbitMQ: inspect `<queue>.dlq` without consuming). */
  deadLetters(queue: string): Promise<DeadLetter[]>;
  /** Publishes raw bytes with `routingKey`, bypassing validation, as a buggy or foreign producer would. */
  publishRaw(routingKey: string, body: string): Promise<void>;
  /** Closes the bus and removes whatever the harness declared (queues, exchange). */
  cleanup(): Promise<void>;
}

/** Factory the suite calls before every test. */
export type MakeEventBusHarness = () => Promise<EventBusHarness>;

/** A queue name unique to one test run, so leftovers on a shared broker never interfere. */
export function uniqueQueue(label: string): string {
  return `contract.${crypto.randomUUID().slice(0, 8)}.${label}`;
}

/** A valid event of `type` with sample data. */
export function sampleEvent<T extends EventType>(type: T, traceparent?: string): EventEnvelope {
  const event = createEvent({
    type,
    producer: "contract-test",
    subject: `subject-${crypto.randomUUID()}`,
    data: sampleEventData(type),
    ...(traceparent === undefined ? {} : { traceparent }),
  });
  // Through parseEvent to widen the generic EventOf<T> to the envelope union without an assertion.
  const parsed = parseEvent(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

/** Records what a handler received, optionally after a delay or a failure decided per delivery. */
export class Recorder {
  readonly events: EventEnvelope[] = [];
  readonly contexts: DeliveryContext[] = [];

  constructor(private readonly behaviour?: (event: EventEnvelope, ctx: DeliveryContext) => Promise<void>) {}

  readonly handler: EventHandler = async (event, ctx) => {
    this.contexts.push({ ...ctx });
    if (this.behaviour) await this.behaviour(event, ctx);
    this.events.push(event);
  };

  /** Ids of the successfully handled events that belong to `published` (other tests' traffic ignored). */
  handledIds(published: readonly EventEnvelope[]): string[] {
    const mine = new Set(published.map((e) => e.id));
    return this.events.map((e) => e.id).filter((id) => mine.has(id));
  }
}
