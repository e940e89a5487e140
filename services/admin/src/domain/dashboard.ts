import type { EventEnvelope, PaymentStatus } from "@payments/contracts";

/**
 * How far a payment has progressed: transitions only ever go up (ARCHITECTURE §4), so of two states of
 * one payment the higher rank (then the larger refunded amount) is the newer, whatever order events came in.
 */
export const STATUS_RANK: Readonly<Record<PaymentStatus, number>> = {
  pending: 0,
  processing: 1,
  succeeded: 2,
  failed: 2,
  canceled: 2,
  partially_refunded: 3,
  refunded: 4,
};

/** A payment's state as the dashboard tracks it. */
export interface PaymentState {
  paymentId: string;
  status: PaymentStatus;
  currency: string;
  /** Null until an event carrying the amount arrived (refund events do not). */
  amount: number | null;
  amountRefunded: number;
  rank: number;
  updatedAt: Date;
}

/** The payment state an event reports, if it is about a payment. */
export function paymentStateOf(event: EventEnvelope): PaymentState | undefined {
  switch (event.type) {
    case "payment.created":
    case "payment.processing":
    case "payment.succeeded":
    case "payment.failed":
    case "payment.canceled": {
      const p = event.data;
      return {
        paymentId: p.id,
        status: p.status,
        currency: p.currency,
        amount: p.amount,
        amountRefunded: p.amount_refunded,
        rank: STATUS_RANK[p.status],
        updatedAt: new Date(p.updated_at),
      };
    }
    case "refund.succeeded":
    case "refund.failed": {
      const r = event.data;
      return {
        paymentId: r.payment_id,
        status: r.payment_status,
        currency: r.currency,
        amount: null,
        amountRefunded: r.payment_amount_refunded,
        rank: STATUS_RANK[r.payment_status],
        updatedAt: new Date(event.occurred_at),
      };
    }
    default:
      return undefined;
  }
}

function isAhead(a: PaymentState, b: PaymentState): boolean {
  return a.rank > b.rank || (a.rank === b.rank && a.amountRefunded > b.amountRefunded);
}

/**
 * Merges what an event says into what is known: the status moves only forward, the amount is filled in
 * once known. Returns undefined when nothing changes (a late or repeated event).
 */
export function mergePaymentState(
  current: PaymentState | undefined,
  reported: PaymentState,
): PaymentState | undefined {
  if (!current) return reported;
  const ahead = isAhead(reported, current);
  const amount = current.amount ?? reported.amount;
  if (!ahead && amount === current.amount) return undefined;
  return ahead ? { ...reported, amount } : { ...current, amount };
}

/** One payment's share of the status totals. */
export interface StatusContribution {
  status: PaymentStatus;
  currency: string;
  count: number;
  amount: number;
  amountRefunded: number;
}

/** What a payment in `state` adds to the status totals (`sign` -1 takes it away again). */
export function contributionOf(state: PaymentState, sign: 1 | -1): StatusContribution {
  return {
    status: state.status,
    currency: state.currency,
    count: sign,
    amount: sign * (state.amount ?? 0),
    amountRefunded: sign * state.amountRefunded,
  };
}

/** One counter to add to in the event's minute and day buckets. */
export interface CounterIncrement {
  metric: string;
  currency: string;
  label: string;
  count: number;
  amount: number;
}

/** The counters an event moves. Every event counts under `events`; payments, refunds, users add more. */
export function counterIncrementsOf(event: EventEnvelope): CounterIncrement[] {
  const add = (metric: string, label = "", currency = "", amount = 0, count = 1): CounterIncrement => ({
    metric,
    currency,
    label,
    count,
    amount,
  });
  const increments = [add("events", event.type)];
  switch (event.type) {
    case "payment.created":
    case "payment.processing":
    case "payment.succeeded":
    case "payment.canceled":
      increments.push(add("payments", event.data.status, event.data.currency, event.data.amount));
      break;
    case "payment.failed":
      increments.push(add("payments", "failed", event.data.currency, event.data.amount));
      increments.push(
        add("payment_failures", event.data.failure_code, event.data.currency, event.data.amount),
      );
      break;
    case "refund.succeeded":
      increments.push(add("refunds", "succeeded", event.data.currency, event.data.amount));
      break;
    case "refund.failed":
      increments.push(add("refunds", "failed", event.data.currency, event.data.amount));
      increments.push(
        add("refund_failures", event.data.failure_code, event.data.currency, event.data.amount),
      );
      break;
    case "user.registered":
      increments.push(add("registrations", event.data.role));
      break;
    case "user.deactivated":
      increments.push(add("deactivations", event.data.role));
      break;
    case "session.started":
      increments.push(add("sessions_started", event.data.role));
      break;
    case "session.revoked":
      increments.push(add("sessions_revoked", event.data.reason, "", 0, event.data.session_ids.length));
      break;
    default:
      break;
  }
  return increments;
}

/** Start of the UTC minute and of the UTC day containing `at`. */
export function bucketsOf(at: Date): { minute: Date; day: Date } {
  const ms = at.getTime();
  return { minute: new Date(ms - (ms % 60_000)), day: new Date(ms - (ms % 86_400_000)) };
}

/** Money moved per currency, from the status totals. */
export interface Volume {
  currency: string;
  /** Sum of payments that succeeded (including those refunded since). */
  captured: number;
  refunded: number;
  net: number;
}

const CAPTURED: ReadonlySet<PaymentStatus> = new Set(["succeeded", "partially_refunded", "refunded"]);

/** Volume per currency, sorted by currency. */
export function volumeOf(totals: readonly StatusContribution[]): Volume[] {
  const byCurrency = new Map<string, Volume>();
  for (const t of totals) {
    if (!CAPTURED.has(t.status)) continue;
    const v = byCurrency.get(t.currency) ?? { currency: t.currency, captured: 0, refunded: 0, net: 0 };
    v.captured += t.amount;
    v.refunded += t.amountRefunded;
    v.net = v.captured - v.refunded;
    byCurrency.set(t.currency, v);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
