import type { ChargeRequest, PaymentProcessor, ProcessorResult, RefundRequest } from "./processor.ts";

/**
 * What the simulator does with an amount, from its last two digits (like a card network's test numbers):
 * - `…02` declined (`card_declined`);
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

/** Options of {@link createSimulatedProcessor}. */
export interface SimulatorOptions {
  /** Latency of an answered call (ms). */
  latencyMs: number;
  /** How long a "timeout" call hangs before answering (ms); set it above the worker's timeout. */
  hangMs: number;
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

/** The default processor: deterministic by amount, so every state is reachable in tests and demos. */
export function createSimulatedProcessor(opts: SimulatorOptions): PaymentProcessor {
  return {
    name: "simulator",
    async charge(request: ChargeRequest, signal: AbortSignal): Promise<ProcessorResult> {
      const behaviour = simulatedBehaviour(request.amount);
      const hangs =
        behaviour === "always_timeout" || (behaviour === "timeout_then_succeed" && request.attempt === 1);
      await pause(hangs ? opts.hangMs : opts.latencyMs, signal);
      if (behaviour === "decline") {
        return { outcome: "declined", code: "card_declined", message: "The card was declined." };
      }
      return { outcome: "succeeded" };
    },
    async refund(request: RefundRequest, signal: AbortSignal): Promise<ProcessorResult> {
      await pause(opts.latencyMs, signal);
      if (request.amount % 100 === 2) {
        return {
          outcome: "declined",
          code: "refund_declined",
          message: "The processor declined the refund.",
        };
      }
      return { outcome: "succeeded" };
    },
  };
}
