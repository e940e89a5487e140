import { type ChannelModel, type ConfirmChannel, connect, type GetMessage } from "amqplib";
import type { DeadLetter } from "../bus/index.ts";
import { carriedHeaders, HEADER, originalRoutingKey, republishOptions, toDeadLetter } from "./headers.ts";
import { deadLetterQueueName } from "./topology.ts";

/** Depth of one consuming queue and its dead letters. */
export interface QueueDepth {
  queue: string;
  /** False when the queue was never declared on this broker. */
  exists: boolean;
  ready: number;
  consumers: number;
  dead_letters: number;
}

/** Operator access to dead letters: what `bun run events:dlq` drives, and the RabbitMQ contract harness. */
export interface DeadLetterAdmin {
  /** Message and consumer counts of `queues` and their `.dlq`. */
  depths(queues: readonly string[]): Promise<QueueDepth[]>;
  /** Up to `limit` dead letters of `queue`, oldest first, left in place. */
  inspect(queue: string, limit?: number): Promise<DeadLetter[]>;
  /**
   * Moves up to `limit` dead letters of `queue` back to it with a fresh attempt count (those `select`
   * accepts; the others stay). Each is confirmed in the work queue before it leaves the dead-letter queue.
   */
  replay(queue: string, opts?: { limit?: number; select?: (letter: DeadLetter) => boolean }): Promise<number>;
  /** Deletes every dead letter of `queue`; returns how many. */
  purge(queue: string): Promise<number>;
  close(): Promise<void>;
}

/** Headers the bus sets when dead-lettering; a replayed message starts over without them. */
const DEATH_HEADERS = [
  HEADER.attempt,
  HEADER.deathReason,
  HEADER.error,
  HEADER.attempts,
  HEADER.queue,
  HEADER.deadLetteredAt,
] as const;

const DEFAULT_LIMIT = 100;

async function withChannel<T>(model: ChannelModel, fn: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  // A fresh channel per operation: a missing queue closes the channel (404), which must not poison the next.
  const channel = await model.createConfirmChannel();
  channel.on("error", () => {});
  try {
    return await fn(channel);
  } finally {
    await channel.close().catch(() => {});
  }
}

/** Opens its own connection to `url`. Call `close()` when done. */
export async function openDeadLetterAdmin(url: string): Promise<DeadLetterAdmin> {
  const model = await connect(url, { clientProperties: { connection_name: "events-dlq" } });
  model.on("error", () => {});

  const readAll = async (
    queue: string,
    limit: number,
    use: (channel: ConfirmChannel, messages: GetMessage[]) => Promise<void>,
  ) =>
    withChannel(model, async (channel) => {
      const messages: GetMessage[] = [];
      while (messages.length < limit) {
        const message = await channel.get(deadLetterQueueName(queue), { noAck: false });
        if (message === false) break;
        messages.push(message);
      }
      // Whatever `use` does not ack goes back when the channel closes, in its original order.
      await use(channel, messages);
    });

  return {
    async depths(queues) {
      const result: QueueDepth[] = [];
      for (const queue of queues) {
        try {
          const depth = await withChannel(model, async (channel) => {
            const work = await channel.checkQueue(queue);
            const dead = await channel.checkQueue(deadLetterQueueName(queue));
            return {
              ready: work.messageCount,
              consumers: work.consumerCount,
              dead_letters: dead.messageCount,
            };
          });
          result.push({ queue, exists: true, ...depth });
        } catch {
          result.push({ queue, exists: false, ready: 0, consumers: 0, dead_letters: 0 });
        }
      }
      return result;
    },

    async inspect(queue, limit = DEFAULT_LIMIT) {
      let letters: DeadLetter[] = [];
      await readAll(queue, limit, async (_channel, messages) => {
        letters = messages.map((m) => toDeadLetter(queue, m));
      });
      // Stable sort: ties keep queue order.
      return letters
        .map((letter, index) => ({ letter, index }))
        .sort(
          (a, b) => a.letter.dead_lettered_at.localeCompare(b.letter.dead_lettered_at) || a.index - b.index,
        )
        .map(({ letter }) => letter);
    },

    async replay(queue, { limit = DEFAULT_LIMIT, select } = {}) {
      let replayed = 0;
      await readAll(queue, limit, async (source, messages) => {
        await withChannel(model, async (confirm) => {
          // Refuse to replay into a queue that does not exist: the default exchange would drop the messages.
          await confirm.checkQueue(queue);
          for (const message of messages) {
            if (select && !select(toDeadLetter(queue, message))) continue;
            const headers = carriedHeaders(message, { [HEADER.routingKey]: originalRoutingKey(message) });
            for (const name of DEATH_HEADERS) delete headers[name];
            headers["x-replayed-at"] = new Date().toISOString();
            await new Promise<void>((resolve, reject) => {
              confirm.sendToQueue(
                queue,
                message.content,
                republishOptions(message, headers),
                (err: unknown) =>
                  err ? reject(new Error(`replay not confirmed: ${String(err)}`)) : resolve(),
              );
            });
            // Only now, with the copy confirmed in the work queue, may the dead letter go.
            source.ack(message);
            replayed++;
          }
        });
      });
      return replayed;
    },

    async purge(queue) {
      return withChannel(
        model,
        async (channel) => (await channel.purgeQueue(deadLetterQueueName(queue))).messageCount,
      );
    },

    async close() {
      await model.close().catch(() => {});
    },
  };
}
