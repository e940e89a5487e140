import type { ChannelModel } from "amqplib";

/** The parts of amqplib 2.3's connection internals {@link coalesceWrites} touches. */
interface Corkable {
  cork(): void;
  uncork(): void;
}
interface Muxer {
  _readIncoming(): void;
}

function isCorkable(value: unknown): value is Corkable {
  return (
    typeof value === "object" &&
    value !== null &&
    "cork" in value &&
    typeof value.cork === "function" &&
    "uncork" in value &&
    typeof value.uncork === "function"
  );
}

function isMuxer(value: unknown): value is Muxer {
  return typeof value === "object" && value !== null && "_readIncoming" in value;
}

/** Marks a muxer already wrapped, so a second call is a no-op. */
const wrapped = new WeakSet<object>();

/**
 * Makes `model`'s connection write each burst of frames to the socket in one system call.
 *
 * amqplib queues every frame on its channel's stream and a muxer moves them to the socket one `write()` per
 * frame. Under Node a write issued while another is in flight is buffered and flushed with `writev`, but
 * Bun's socket sends each `write()` at once: one syscall and, with `noDelay`, one TCP segment per published
 * message or ack (measured: 20,000 `sendto` for 20,000 publishes). That costs the client about a third of its CPU per
 * message and makes the broker parse as many packets. Corking the socket for the duration of one muxer pass
 * turns a burst into one write, while a lone message still leaves immediately (latency is unchanged: the
 * uncork happens in the same tick).
 *
 * This reaches into amqplib internals (`connection.muxer._readIncoming`, `connection.stream`), pinned at
 * 2.3.1; if they are not where expected it changes nothing and returns false (a unit test fails then).
 */
export function coalesceWrites(model: ChannelModel): boolean {
  const connection: object = model.connection;
  const stream: unknown = "stream" in connection ? connection.stream : undefined;
  const muxer: unknown = "muxer" in connection ? connection.muxer : undefined;
  if (!isCorkable(stream) || !isMuxer(muxer) || typeof muxer._readIncoming !== "function") return false;
  if (wrapped.has(muxer)) return true;
  wrapped.add(muxer);
  const pass = muxer._readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    stream.cork();
    try {
      pass();
    } finally {
      stream.uncork();
    }
  };
  return true;
}
