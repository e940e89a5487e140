import { type EventEnvelope, newId } from "@payments/contracts";
import type { WebhookDeliveryView } from "@payments/contracts/http";
import { applyOnce } from "@payments/events";
import { conflict, notFound } from "@payments/service-kit";
import type { AuthDb } from "../db/queries.ts";
import type { WebhooksCore } from "./core.ts";
import { ownEndpoint } from "./endpoints.ts";
import {
  attemptsOf,
  endpointsFor,
  findDelivery,
  insertDeliveries,
  listDeliveries,
  requeueFailed,
  updateDelivery,
} from "./queries.ts";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "./schema.ts";
import { toDeliveryView } from "./views.ts";

/** The inbox consumer name of the webhook module (one delivery set per event, however often it arrives). */
export const WEBHOOKS_CONSUMER = "webhooks";
/** Events the module's queue is bound to. */
export const WEBHOOK_TOPICS = ["payment.*", "refund.*", "payout.*"] as const;

/** Fields of an event's data that name the users it concerns. */
const PARTY_FIELDS = ["payer_id", "payee_id", "vendor_id", "user_id", "customer_id"] as const;

function partiesOf(event: EventEnvelope): string[] {
  const data = event.data as Record<string, unknown>;
  const ids = PARTY_FIELDS.map((f) => data[f]).filter(
    (v): v is string => typeof v === "string" && v.startsWith("usr_"),
  );
  return [...new Set(ids)];
}

/** What a delivery carries: an event, or a `webhook.test` message shaped like one. */
export interface WebhookMessage {
  id: string;
  type: string;
  version: number;
  occurred_at: string;
  subject: string;
  data: unknown;
}

/** The body receivers get: the event as the platform describes it, without internal trace context. */
export function webhookBody(event: WebhookMessage): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    version: event.version,
    occurred_at: event.occurred_at,
    subject: event.subject,
    data: event.data,
  });
}

function deliveryRow(endpoint: WebhookEndpointRow, event: WebhookMessage, now: Date): WebhookDeliveryRow {
  return {
    id: newId("whd"),
    endpointId: endpoint.id,
    userId: endpoint.userId,
    eventId: event.id,
    eventType: event.type,
    payload: webhookBody(event),
    status: "pending",
    scheduleAttempts: 0,
    attemptCount: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Turns one event into a delivery per subscribed endpoint of its parties (and of admins), in one transaction
 * with the inbox row: a redelivered event adds nothing (at least once in, exactly one delivery each).
 */
export async function enqueueEvent(core: WebhooksCore, event: EventEnvelope): Promise<number> {
  let queued = 0;
  await applyOnce(core.db, WEBHOOKS_CONSUMER, event, async (tx) => {
    const db = tx as AuthDb;
    const endpoints = (await endpointsFor(db, partiesOf(event))).filter((e) =>
      e.events.split(" ").includes(event.type),
    );
    const now = core.now();
    queued = await insertDeliveries(
      db,
      endpoints.map((e) => deliveryRow(e, event, now)),
    );
  });
  if (queued > 0) core.worker.wake();
  return queued;
}

async function withAttempts(core: WebhooksCore, row: WebhookDeliveryRow): Promise<WebhookDeliveryView> {
  return toDeliveryView(row, await attemptsOf(core.db, [row.id]));
}

/** A `webhook.test` event for one endpoint, delivered like any other (whatever events it subscribes to). */
export async function sendTestEvent(
  core: WebhooksCore,
  userId: string,
  endpointId: string,
): Promise<WebhookDeliveryView> {
  const endpoint = await ownEndpoint(core, userId, endpointId);
  const now = core.now();
  const row = deliveryRow(
    endpoint,
    {
      id: newId("evt"),
      type: "webhook.test",
      version: 1,
      occurred_at: now.toISOString(),
      subject: endpoint.id,
      data: { endpoint_id: endpoint.id, message: "A test event from the payments platform." },
    },
    now,
  );
  await insertDeliveries(core.db, [row]);
  core.worker.wake();
  return toDeliveryView(row, []);
}

const deliveryNotFound = () => notFound("No such webhook delivery.", "webhook_delivery_not_found");

/** Sends one delivery again now, with a fresh schedule; the same `webhook-id`, so receivers can de-duplicate. */
export async function replayDelivery(
  core: WebhooksCore,
  userId: string,
  id: string,
): Promise<WebhookDeliveryView> {
  const row = await findDelivery(core.db, id);
  if (!row || row.userId !== userId) throw deliveryNotFound();
  if (row.status === "pending") throw conflict("delivery_pending", "This delivery is still being attempted.");
  const now = core.now();
  const updated = await updateDelivery(core.db, id, {
    status: "pending",
    scheduleAttempts: 0,
    nextAttemptAt: now,
    updatedAt: now,
  });
  if (!updated) throw deliveryNotFound();
  core.worker.wake();
  return withAttempts(core, updated);
}

export async function replayFailedSince(
  core: WebhooksCore,
  userId: string,
  endpointId: string,
  since: Date,
): Promise<number> {
  await ownEndpoint(core, userId, endpointId);
  const n = await requeueFailed(core.db, endpointId, since, core.now());
  if (n > 0) core.worker.wake();
  return n;
}

export async function listUserDeliveries(
  core: WebhooksCore,
  userId: string,
  q: {
    endpoint_id?: string | undefined;
    status?: WebhookDeliveryRow["status"] | undefined;
    limit: number;
    starting_after?: string | undefined;
  },
): Promise<{ data: WebhookDeliveryView[]; has_more: boolean }> {
  const rows = await listDeliveries(core.db, {
    userId,
    endpointId: q.endpoint_id,
    status: q.status,
    limit: q.limit,
    startingAfter: q.starting_after,
  });
  const page = rows.slice(0, q.limit);
  const attempts = await attemptsOf(
    core.db,
    page.map((r) => r.id),
  );
  return {
    data: page.map((r) =>
      toDeliveryView(
        r,
        attempts.filter((a) => a.deliveryId === r.id),
      ),
    ),
    has_more: rows.length > q.limit,
  };
}
