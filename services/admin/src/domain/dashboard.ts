import { type EventEnvelope, PAYMENT_STATUSES, type PaymentStatus } from "@payments/contracts";
import type { DashboardBucket, DashboardVolume } from "@payments/contracts/http";

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
  /** When the payment was created; null until a `payment.*` event arrived (refund events do not carry it). */
  createdAt: Date | null;
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
        createdAt: new Date(p.created_at),
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
        updatedAt: new Date(r.created_at),
        createdAt: null,
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
 * Merges what an event says into what is known: the status moves only forward, the amount and creation
 * time are filled in once known. Returns undefined when nothing changes (a late or repeated event).
 */
export function mergePaymentState(
  current: PaymentState | undefined,
  reported: PaymentState,
): PaymentState | undefined {
  if (!current) return reported;
  const ahead = isAhead(reported, current);
  const amount = current.amount ?? reported.amount;
  const createdAt = current.createdAt ?? reported.createdAt;
  if (!ahead && amount === current.amount && createdAt === current.createdAt) return undefined;
  return ahead ? { ...reported, amount, createdAt } : { ...current, amount, createdAt };
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

/**
 * The counter of payments per creation bucket (`label` = current status). It is not moved by
 * {@link counterIncrementsOf}: a payment's share moves between statuses with its state
 * ({@link bucketShareOf}), so each payment counts once however many events it has.
 */
export const PAYMENTS_METRIC = "payments";

/** One counter to add to in the minute and day buckets of `at`. */
export interface CounterIncrement {
  metric: string;
  currency: string;
  label: string;
  count: number;
  amount: number;
  /** When it happened: the domain's own time where the event carries it, else when the event occurred. */
  at: Date;
}

/**
 * The counters an event moves. Every event counts under `events` when it occurred; a failure or refund
 * counts when the payments service says it happened (`updated_at` / the refund's `created_at`), so events
 * published late — the outbox of a backdated seed drained at the next start — land in their own day.
 */
export function counterIncrementsOf(event: EventEnvelope): CounterIncrement[] {
  const occurred = new Date(event.occurred_at);
  const add = (
    metric: string,
    label = "",
    currency = "",
    amount = 0,
    count = 1,
    at = occurred,
  ): CounterIncrement => ({ metric, currency, label, count, amount, at });
  const increments = [add("events", event.type)];
  switch (event.type) {
    case "payment.failed": {
      const at = new Date(event.data.updated_at);
      increments.push(
        add("payment_failures", event.data.failure_code, event.data.currency, event.data.amount, 1, at),
      );
      break;
    }
    case "refund.succeeded": {
      const at = new Date(event.data.created_at);
      increments.push(add("refunds", "succeeded", event.data.currency, event.data.amount, 1, at));
      break;
    }
    case "refund.failed": {
      const at = new Date(event.data.created_at);
      increments.push(add("refunds", "failed", event.data.currency, event.data.amount, 1, at));
      increments.push(
        add("refund_failures", event.data.failure_code, event.data.currency, event.data.amount, 1, at),
      );
      break;
    }
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

/** A payment's share of the per-bucket payment counters (the bucket of its creation, its status now). */
export interface BucketShare {
  createdAt: Date;
  status: PaymentStatus;
  currency: string;
  count: number;
  amount: number;
}

/** What a payment in `state` adds to its creation bucket (`sign` -1 takes it away); none until its creation time is known. */
export function bucketShareOf(state: PaymentState, sign: 1 | -1): BucketShare | undefined {
  if (!state.createdAt) return undefined;
  return {
    createdAt: state.createdAt,
    status: state.status,
    currency: state.currency,
    count: sign,
    amount: sign * (state.amount ?? 0),
  };
}

/** Start of the UTC minute and of the UTC day containing `at`. */
export function bucketsOf(at: Date): { minute: Date; day: Date } {
  const ms = at.getTime();
  return { minute: new Date(ms - (ms % 60_000)), day: new Date(ms - (ms % 86_400_000)) };
}

/** Money moved per currency, from the status totals (the dashboard's `payments.volume`). */
export type Volume = DashboardVolume;

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

/** A payments counter as read back: the bucket, the status (`label`), the currency, and the sums. */
export interface PaymentCounter {
  bucketStart: Date;
  label: string;
  currency: string;
  count: number;
  amount: number;
}

const isPaymentStatus = (label: string): label is PaymentStatus =>
  (PAYMENT_STATUSES as readonly string[]).includes(label);

/**
 * Every bucket of `stepMs` from `first` to `last` (both bucket starts, inclusive), oldest first, with the
 * counters that fall in it: an empty minute or day is a bucket of 0, so a chart's axis never skips one.
 */
export function fillBuckets(
  first: Date,
  last: Date,
  stepMs: number,
  counters: readonly PaymentCounter[],
): DashboardBucket[] {
  const byStart = new Map<number, DashboardBucket>();
  const buckets: DashboardBucket[] = [];
  for (let at = first.getTime(); at <= last.getTime(); at += stepMs) {
    const bucket: DashboardBucket = { bucket_start: new Date(at).toISOString(), payments: 0, by_status: [] };
    byStart.set(at, bucket);
    buckets.push(bucket);
  }
  for (const c of counters) {
    const bucket = byStart.get(c.bucketStart.getTime());
    if (!bucket || c.count <= 0 || !isPaymentStatus(c.label)) continue;
    bucket.payments += c.count;
    bucket.by_status.push({ status: c.label, currency: c.currency, count: c.count, amount: c.amount });
  }
  return buckets;
}
