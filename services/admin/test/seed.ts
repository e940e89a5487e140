import { createEvent, type EventEnvelope, type Id, newId, type PaymentStatus } from "@payments/contracts";
import { traceparent } from "./support.ts";

/** A seeded payment's final state, as the payments database would hold it. */
export interface SeededPayment {
  id: Id<"pay">;
  currency: string;
  amount: number;
  status: PaymentStatus;
  amountRefunded: number;
  failureCode: string | null;
  /** When it was created, and when it last changed (for a failed payment: when it failed). */
  createdAt: Date;
  updatedAt: Date;
}

const CURRENCIES = ["usd", "eur", "jpy"] as const;
const FAILURES = ["card_declined", "insufficient_funds", "processor_timeout"] as const;
const PATHS = [
  "pending",
  "canceled",
  "processing",
  "failed",
  "succeeded",
  "partially_refunded",
  "refunded",
  "refund_failed",
] as const;

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  const item = list[Math.floor(rand() * list.length)];
  if (item === undefined) throw new Error("empty list");
  return item;
}

/** Fisher–Yates shuffle, in place. */
export function shuffle<T>(rand: () => number, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const a = list[i];
    const b = list[j];
    if (a === undefined || b === undefined) continue;
    list[i] = b;
    list[j] = a;
  }
  return list;
}

/** Sets `occurred_at` (createEvent stamps "now"; a seeded run spreads events over hours). */
function at<E extends EventEnvelope>(event: E, when: Date): E {
  return { ...event, occurred_at: when.toISOString() };
}

/**
 * `count` payments with random currencies, amounts and lifecycles ending in every status, each with its
 * events (one trace per payment) spread over the `hours` before `end`. With `publishedAt`, every event
 * occurred then instead (what `bun run seed:payments` produces: backdated payments whose outbox drains at
 * the next start), while the payments' own `created_at`/`updated_at` stay spread over the hours.
 */
export function seedPayments(
  count: number,
  opts: { seed: number; end: Date; hours: number; publishedAt?: Date },
): { payments: SeededPayment[]; events: EventEnvelope[] } {
  const rand = random(opts.seed);
  const payments: SeededPayment[] = [];
  const events: EventEnvelope[] = [];
  for (let i = 0; i < count; i++) {
    const path = pick(rand, PATHS);
    const currency = pick(rand, CURRENCIES);
    const amount = 100 + Math.floor(rand() * 100_000);
    const id = newId("pay");
    const trace = traceparent();
    let when = new Date(opts.end.getTime() - rand() * opts.hours * 3600_000);
    const step = () => {
      when = new Date(Math.min(when.getTime() + 1 + Math.floor(rand() * 120_000), opts.end.getTime()));
      return when;
    };
    const base = {
      id,
      payer_id: newId("usr"),
      payee_id: newId("usr"),
      amount,
      currency,
      amount_refunded: 0,
      created_at: when.toISOString(),
    };
    const payment = <S extends PaymentStatus>(status: S, refunded = 0) => ({
      ...base,
      status,
      amount_refunded: refunded,
      updated_at: when.toISOString(),
    });
    const emit = (e: EventEnvelope) => {
      events.push(at(e, opts.publishedAt ?? when));
      final.updatedAt = when;
    };
    const ev = { producer: "payments", subject: id, traceparent: trace } as const;
    const final: SeededPayment = {
      id,
      currency,
      amount,
      status: "pending",
      amountRefunded: 0,
      failureCode: null,
      createdAt: when,
      updatedAt: when,
    };
    emit(createEvent({ ...ev, type: "payment.created", data: { ...payment("pending") } }));
    if (path === "canceled") {
      step();
      emit(
        createEvent({
          ...ev,
          type: "payment.canceled",
          data: {
            ...payment("canceled"),
            canceled_by: base.payer_id,
            cancellation_reason: "requested_by_customer",
          },
        }),
      );
      final.status = "canceled";
    } else if (path !== "pending") {
      step();
      emit(createEvent({ ...ev, type: "payment.processing", data: { ...payment("processing") } }));
      final.status = "processing";
      if (path === "failed") {
        step();
        const code = pick(rand, FAILURES);
        emit(
          createEvent({
            ...ev,
            type: "payment.failed",
            data: { ...payment("failed"), failure_code: code, failure_message: "Declined" },
          }),
        );
        Object.assign(final, { status: "failed", failureCode: code });
      } else if (path !== "processing") {
        step();
        emit(createEvent({ ...ev, type: "payment.succeeded", data: { ...payment("succeeded") } }));
        final.status = "succeeded";
        const refund = (amountOf: number, refundedAfter: number, status: PaymentStatus, ok: boolean) => {
          step();
          const snapshot = {
            id: newId("re"),
            payment_id: id,
            payer_id: base.payer_id,
            payee_id: base.payee_id,
            amount: amountOf,
            currency,
            reason: null,
            payment_status: status,
            payment_amount_refunded: refundedAfter,
            created_at: when.toISOString(),
          };
          emit(
            ok
              ? createEvent({ ...ev, type: "refund.succeeded", data: { ...snapshot, status: "succeeded" } })
              : createEvent({
                  ...ev,
                  type: "refund.failed",
                  data: {
                    ...snapshot,
                    status: "failed",
                    failure_code: "processor_error",
                    failure_message: "Later",
                  },
                }),
          );
        };
        const part = Math.floor(amount / 3);
        if (path === "refund_failed") refund(part, 0, "succeeded", false);
        if (path === "partially_refunded" || path === "refunded") {
          refund(part, part, "partially_refunded", true);
          Object.assign(final, { status: "partially_refunded", amountRefunded: part });
        }
        if (path === "refunded") {
          refund(amount - part, amount, "refunded", true);
          Object.assign(final, { status: "refunded", amountRefunded: amount });
        }
      }
    }
    payments.push(final);
  }
  return { payments, events };
}
