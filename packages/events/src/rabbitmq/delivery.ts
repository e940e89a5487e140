import { context, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { type EventEnvelope, parseEvent } from "@payments/contracts";
import { recordSpanError, withServiceTracer } from "@payments/service-kit";
import type { ConsumeMessage } from "amqplib";
import type { EventHandler, LoggerLike, ResolvedSubscribeOptions } from "../bus/index.ts";
import { retryDelayFor } from "../bus/index.ts";
import type { AckBatcher } from "./acks.ts";
import {
  attemptOf,
  carriedHeaders,
  HEADER,
  headerText,
  originalRoutingKey,
  republishOptions,
} from "./headers.ts";
import type { RabbitMetrics } from "./metrics.ts";
import type { ConfirmPublisher } from "./publisher.ts";
import { deadLetterExchangeName, retryQueueName } from "./topology.ts";
import { startProcessSpan } from "./tracing.ts";

/** What a {@link DeliveryHandler} needs. */
export interface DeliveryOptions {
  queue: string;
  exchange: string;
  handler: EventHandler;
  options: ResolvedSubscribeOptions;
  publisher: ConfirmPublisher;
  logger: LoggerLike;
  metrics: RabbitMetrics;
  tracer: Tracer;
}

/** The message of `error`, for logs and the dead-letter reason. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * What happens to one delivery of a subscription's queue. A delivery is acknowledged only after the handler
 * resolved, or after the message was confirmed into its retry queue or dead-letter queue — never before, so
 * a crash at any point means a redelivery, not a loss (the {@link AckBatcher} only decides how the acks of
 * finished deliveries travel, in batches):
 * - not JSON, or not a valid event (`parseEvent`): poison, dead-lettered at once with the reason;
 * - handler throws: to the retry queue of the attempt's delay with `x-attempt` + 1, or after `maxAttempts`
 *   to the dead-letter queue with the error.
 */
export class DeliveryHandler {
  constructor(private readonly opts: DeliveryOptions) {}

  /** Runs the handler for `msg` and settles it: ack, retry queue, or dead-letter queue. */
  async handle(acks: AckBatcher, msg: ConsumeMessage): Promise<void> {
    const { queue, exchange, options, tracer } = this.opts;
    const routingKey = originalRoutingKey(msg);
    const attempt = attemptOf(msg);
    const { span, active } = startProcessSpan(tracer, exchange, queue, msg, routingKey);
    try {
      let decoded: unknown;
      try {
        decoded = JSON.parse(msg.content.toString("utf8"));
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "poison" });
        return await this.poison(acks, msg, routingKey, `invalid JSON: ${errorMessage(error)}`);
      }
      const parsed = parseEvent(decoded);
      if (!parsed.ok) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "poison" });
        return await this.poison(acks, msg, routingKey, parsed.reason, decoded);
      }
      const event = parsed.event;
      try {
        const redelivered = msg.fields.redelivered || attempt > 1;
        // The handler's spans are recorded by the same tracer as this one (the subscriber's, when it gave one).
        await context.with(withServiceTracer(tracer, active), () =>
          this.opts.handler(event, { queue, attempt, redelivered }),
        );
      } catch (error) {
        const reason = errorMessage(error);
        // A database error by its SQLSTATE only: its message can quote a statement's parameters.
        recordSpanError(span, error);
        if (attempt >= options.maxAttempts) {
          return await this.deadLetter(acks, msg, event, routingKey, attempt, "max_attempts", reason);
        }
        return await this.retry(acks, msg, event, routingKey, attempt, reason);
      }
      acks.ack(msg);
      this.opts.metrics.consumed(queue, event.type, "ack");
    } finally {
      span.end();
    }
  }

  private async retry(
    acks: AckBatcher,
    msg: ConsumeMessage,
    event: EventEnvelope,
    routingKey: string,
    attempt: number,
    reason: string,
  ): Promise<void> {
    const { queue, options, logger, metrics } = this.opts;
    const delay = retryDelayFor(options, attempt);
    const retryQueue = retryQueueName(queue, delay);
    const headers = carriedHeaders(msg, { [HEADER.attempt]: attempt + 1, [HEADER.routingKey]: routingKey });
    const routed = await this.route(acks, msg, "", retryQueue, headers);
    if (!routed) return;
    metrics.consumed(queue, event.type, "retry");
    metrics.retried(queue, delay);
    logger.warn(
      {
        event_id: event.id,
        type: event.type,
        queue,
        attempt,
        retry_in_ms: delay,
        retry_queue: retryQueue,
        err: reason,
      },
      "event handler failed; will retry",
    );
  }

  private async poison(
    acks: AckBatcher,
    msg: ConsumeMessage,
    routingKey: string,
    reason: string,
    decoded?: unknown,
  ): Promise<void> {
    this.opts.metrics.poison(this.opts.queue);
    const id = typeof decoded === "object" && decoded !== null && "id" in decoded ? decoded.id : undefined;
    await this.deadLetter(acks, msg, { id }, routingKey, attemptOf(msg), "poison", reason);
  }

  private async deadLetter(
    acks: AckBatcher,
    msg: ConsumeMessage,
    event: { id?: unknown },
    routingKey: string,
    attempts: number,
    kind: "poison" | "max_attempts",
    reason: string,
  ): Promise<void> {
    const { queue, exchange, logger, metrics } = this.opts;
    const headers = carriedHeaders(msg, {
      [HEADER.deathReason]: kind,
      [HEADER.error]: headerText(reason),
      [HEADER.attempts]: attempts,
      [HEADER.queue]: queue,
      [HEADER.routingKey]: routingKey,
      [HEADER.deadLetteredAt]: new Date().toISOString(),
    });
    const routed = await this.route(acks, msg, deadLetterExchangeName(exchange), queue, headers);
    if (!routed) return;
    metrics.consumed(queue, routingKey, "dead_letter");
    logger.error(
      { event_id: event.id, type: routingKey, queue, attempts, death_reason: kind, reason },
      "event dead-lettered",
    );
  }

  /**
   * Moves `msg` to another queue: publish the copy, wait for the broker's confirm, then ack the original.
   * If the copy is not confirmed the original is requeued (or redelivered after a connection loss), so the
   * message exists at least once at every moment.
   */
  private async route(
    acks: AckBatcher,
    msg: ConsumeMessage,
    exchange: string,
    routingKey: string,
    headers: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.opts.publisher.send({
        exchange,
        routingKey,
        body: msg.content,
        options: republishOptions(msg, headers),
      });
    } catch (error) {
      this.opts.logger.warn(
        { queue: this.opts.queue, target: routingKey, err: errorMessage(error) },
        "event bus: could not move a message; it will be redelivered",
      );
      acks.requeue(msg);
      return false;
    }
    acks.ack(msg);
    return true;
  }
}
