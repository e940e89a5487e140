import type { IdGenerator } from "@opentelemetry/sdk-trace-base";

// Random bytes drawn 4 KiB at a time: one `getRandomValues` serves ~170 requests' trace and span ids. Their
// hex is made once per draw too: an id is then a substring (shares the text), not a `toString` call per id,
// which measured ~5 % of a "hello" request through the kit.
const pool = Buffer.allocUnsafe(4096);
let hex = "";
let taken = pool.length;

/** `bytes` random bytes as lowercase hex, never all zeros (an invalid W3C id). */
function randomHex(bytes: number): string {
  for (;;) {
    if (taken + bytes > pool.length) {
      crypto.getRandomValues(pool);
      hex = pool.toString("hex");
      taken = 0;
    }
    const start = taken;
    taken += bytes;
    for (let i = start; i < taken; i++) if (pool[i] !== 0) return hex.slice(start * 2, taken * 2);
  }
}

/**
 * The trace and span ids of a kit tracer (ADR 0026): random like the SDK's own generator (from the
 * cryptographic source rather than `Math.random`), and able to hand the SDK a trace id the kit drew and
 * sampled itself before starting a root span (see `requestSpans`).
 */
export class KitIdGenerator implements IdGenerator {
  #next: string | undefined;

  /** The trace id of the next root span the SDK starts; cleared with {@link clearNextTraceId}. */
  setNextTraceId(traceId: string): void {
    this.#next = traceId;
  }

  clearNextTraceId(): void {
    this.#next = undefined;
  }

  generateTraceId(): string {
    const next = this.#next;
    if (next === undefined) return randomHex(16);
    this.#next = undefined;
    return next;
  }

  generateSpanId(): string {
    return randomHex(8);
  }
}
