import type { WebhookDeliveryView, WebhookEndpointView } from "@payments/contracts/http";
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "./schema.ts";

/** Attempts shown per delivery in the log. */
export const ATTEMPTS_SHOWN = 20;

export function toEndpointView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id as WebhookEndpointView["id"],
    url: row.url,
    description: row.description,
    events: row.events.split(" ").filter(Boolean) as WebhookEndpointView["events"],
    status: row.status,
    disabled_reason: row.disabledReason ?? null,
    secret_rotated_at: row.secretRotatedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toDeliveryView(
  row: WebhookDeliveryRow,
  attempts: readonly WebhookAttemptRow[],
): WebhookDeliveryView {
  return {
    id: row.id as WebhookDeliveryView["id"],
    endpoint_id: row.endpointId as WebhookDeliveryView["endpoint_id"],
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempt_count: row.attemptCount,
    next_attempt_at: row.status === "pending" ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    created_at: row.createdAt.toISOString(),
    attempts: attempts.slice(0, ATTEMPTS_SHOWN).map((a) => ({
      attempted_at: a.attemptedAt.toISOString(),
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      error: a.error,
      response_body: a.responseBody,
    })),
  };
}
