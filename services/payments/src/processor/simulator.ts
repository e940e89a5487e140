import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ChargeRequest, PaymentProcessor, ProcessorResult, RefundRequest } from "./processor.ts";

/**
 * What the simulator does with an amount, from its last two digits (like a card network's test numbers):
 * - `…02` declined (`payment_declined`);
 * - `…05` the first attempt hangs past the worker's timeout, the retry succeeds;
 * - `…09` every attempt hangs: the payment fails with `processor_unavailable` after the last retry;
 * - anything else succeeds.
 * Refunds: an amount ending in `02` is declined (`refund_declined`), any other succeeds.
 */
export type SimulatedBehaviour = "succeed" | "decline" | "timeout_then_succeed" | "always_timeout";

/** The simulator's behaviour for a charge of `amount` (minor units). */
export function simulatedBehaviour(amount: number): SimulatedBehaviour {
  switch (amount % 100) {
    case 2:
      return "decline";
    case 5:
      return "timeout_then_succeed";
    case 9:
      return "always_timeout";
    default:
      return "succeed";
  }
}

/**
 * The processor's own record of what it did, by idempotency key (`charge:<payment id>`, `refund:<refund id>`):
 * the first outcome of a key, returned again to every later call with it. A real processor keeps this on
 * its side; the simulator keeps it in memory, or in a file that outlives the service's process (the crash
 * test kills the service between the processor's answer and the commit that records it).
 */
export interface ProcessorRecord {
  /** The first outcome of `key`, if the processor answered a call with it. */
  get(key: string): ProcessorResult | undefined;
  /** Records the first outcome of `key` (a money movement). */
  charged(key: string, result: ProcessorResult): void;
  /** Records that a call with a known `key` was answered from the record (no money moved). */
  replayed(key: string): void;
}

/** What a record file holds, one JSON object a line. */
export type RecordLine =
  | { key: string; kind: "charge"; result: ProcessorResult }
  | { key: string; kind: "replay" };

/** Most keys the in-memory record keeps; the oldest are forgotten first (a real processor keeps them 24 h+). */
const MEMORY_RECORD_KEYS = 100_000;

/** The default record: in memory, bounded. */
export function memoryRecord(maxKeys = MEMORY_RECORD_KEYS): ProcessorRecord {
  const outcomes = new Map<string, ProcessorResult>();
  return {
    get: (key) => outcomes.get(key),
    charged(key, result) {
      outcomes.set(key, result);
      if (outcomes.size > maxKeys) outcomes.delete(outcomes.keys().next().value ?? "");
    },
    replayed() {},
  };
}

/**
 * A record appended to `path` (JSON lines, read back at start): survives a crash of the process that holds
 * it. Every line is written before the call answers, so an answered charge is always on record.
 */
export function fileRecord(path: string): ProcessorRecord {
  const outcomes = new Map<string, ProcessorResult>();
  if (existsSync(path)) {
    for (const line of readRecordFile(path)) if (line.kind === "charge") outcomes.set(line.key, line.result);
  } else {
    mkdirSync(dirname(path), { recursive: true });
  }
  const append = (line: RecordLine) => appendFileSync(path, `${JSON.stringify(line)}\n`);
  return {
    get: (key) => outcomes.get(key),
    charged(key, result) {
      outcomes.set(key, result);
      append({ key, kind: "charge", result });
    },
    replayed: (key) => append({ key, kind: "replay" }),
  };
}

/** The lines of a record file (what the crash test reads to count charges). */
export function readRecordFile(path: string): RecordLine[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RecordLine);
}

/** Options of {@link createSimulatedProcessor}. */
export interface SimulatorOptions {
  /** Latency of an answered call (ms). */
  latencyMs: number;
  /** How long a "timeout" call hangs before answering (ms); set it above the worker's timeout. */
  hangMs: number;
  /** Where the simulator remembers outcomes by idempotency key; default {@link memoryRecord}. */
  record?: ProcessorRecord;
}

/** Sleeps `ms`, or less if `signal` aborts (a real client would close its socket). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The idempotency key of a charge: one per payment, whatever the attempt. */
export const chargeKey = (paymentId: string): string => `charge:${paymentId}`;
/** The idempotency key of a refund. */
export const refundKey = (refundId: string): string => `refund:${refundId}`;

/**
 * The default processor: deterministic by amount, so every state is reachable in tests and demos, and
 * idempotent by key as a real processor is: a call with a key it has answered before returns that first
 * outcome without moving money again (the worker retries after a crash and must not charge twice); a call
 * while another with the same key is in progress waits for it. A call abandoned by its caller (a timeout)
 * is not processed: nothing is recorded, and the retry is processed afresh.
 */
export function createSimulatedProcessor(opts: SimulatorOptions): PaymentProcessor {
  const record = opts.record ?? memoryRecord();
  const inProgress = new Map<string, Promise<ProcessorResult | undefined>>();

  async function once(
    key: string,
    signal: AbortSignal,
    process: () => Promise<ProcessorResult | undefined>,
  ): Promise<ProcessorResult> {
    for (;;) {
      const known = record.get(key);
      if (known) {
        record.replayed(key);
        return known;
      }
      const running = inProgress.get(key);
      if (!running) break;
      await running;
    }
    const run = process();
    inProgress.set(key, run);
    try {
      const result = await run;
      // Abandoned by the caller (who has stopped listening): not processed, so a retry is a first call again.
      if (!result || signal.aborted) throw new Error("processor call abandoned by the caller");
      record.charged(key, result);
      return result;
    } finally {
      inProgress.delete(key);
    }
  }

  return {
    name: "simulator",
    charge(request: ChargeRequest, signal: AbortSignal): Promise<ProcessorResult> {
      return once(chargeKey(request.paymentId), signal, async () => {
        const behaviour = simulatedBehaviour(request.amount);
        const hangs =
          behaviour === "always_timeout" || (behaviour === "timeout_then_succeed" && request.attempt === 1);
        await pause(hangs ? opts.hangMs : opts.latencyMs, signal);
        if (hangs && signal.aborted) return undefined;
        if (behaviour === "decline") {
          return {
            outcome: "declined",
            code: "payment_declined",
            message: "The payment processor declined this payment.",
          };
        }
        return { outcome: "succeeded" };
      });
    },
    refund(request: RefundRequest, signal: AbortSignal): Promise<ProcessorResult> {
      return once(refundKey(request.refundId), signal, async () => {
        await pause(opts.latencyMs, signal);
        if (signal.aborted) return undefined;
        if (request.amount % 100 === 2) {
          return {
            outcome: "declined",
            code: "refund_declined",
            message: "The processor declined the refund.",
          };
        }
        return { outcome: "succeeded" };
      });
    },
  };
}
