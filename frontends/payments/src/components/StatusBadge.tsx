import type { PaymentStatus } from "@payments/api-client";
import { Badge, type Tone } from "@payments/ui";

const TONES: Record<PaymentStatus, Tone> = {
  pending: "neutral",
  processing: "info",
  succeeded: "success",
  failed: "danger",
  canceled: "neutral",
  partially_refunded: "warning",
  refunded: "warning",
};

/** Words for a payment status (the badge's text carries the meaning; colour only adds to it). */
export const STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: "Pending",
  processing: "Processing",
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
  partially_refunded: "Partially refunded",
  refunded: "Refunded",
};

/** A payment's status as a badge. */
export function StatusBadge({ status }: { status: PaymentStatus }) {
  return <Badge tone={TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}
