/**
 * The port to a payment processor (a card network, a bank). The worker charges through it; refunds go
 * through it too. Implementations must treat `paymentId` / `refundId` as their idempotency key: a call with
 * a key the processor has answered before returns that first outcome and moves no money (docs/adr/0027). The
 * worker relies on it twice: it retries a call that timed out, and after a crash between the processor's
 * answer and the commit that records it, it calls again for the same payment — "processing" is therefore
 * not a durable commit of its own, and a payment is never charged twice.
 */
export interface PaymentProcessor {
  readonly name: string;
  /** Charges the payer. Rejecting (or never settling before `signal` aborts) counts as a transient error. */
  charge(request: ChargeRequest, signal: AbortSignal): Promise<ProcessorResult>;
  /** Returns money to the payer. */
  refund(request: RefundRequest, signal: AbortSignal): Promise<ProcessorResult>;
}

/** One charge attempt. */
export interface ChargeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  /** 1 on the first call for this payment, then 2, 3… on retries. */
  attempt: number;
}

/** One refund. */
export interface RefundRequest {
  refundId: string;
  paymentId: string;
  amount: number;
  currency: string;
}

/** The processor's answer: done, or a decline that retrying will not change. */
export type ProcessorResult =
  | { outcome: "succeeded" }
  | { outcome: "declined"; code: string; message: string };

/** Thrown when a processor call exceeded its time budget. */
export class ProcessorTimeoutError extends Error {
  override readonly name = "ProcessorTimeoutError";
}

/**
 * Calls `call` with an abort signal that fires after `timeoutMs`; a call still running then is abandoned
 * with {@link ProcessorTimeoutError}, whether or not the implementation honours the signal.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProcessorTimeoutError(`processor did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
