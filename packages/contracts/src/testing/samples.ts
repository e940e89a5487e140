import type { EventDataInput, EventType } from "../events/index.ts";
import { newId } from "../ids/index.ts";

/**
 * Valid `data` for every registered event type (latest version), with fresh IDs. For tests of producers,
 * consumers and buses; the registry test checks each sample against its schema so they cannot rot.
 */
export function sampleEventData<T extends EventType>(type: T): EventDataInput<T> {
  const samples: { [K in EventType]: () => EventDataInput<K> } = {
    "user.registered": () => user(),
    "user.updated": () => ({ ...user(), changed: ["name"] }),
    "user.role_changed": () => ({
      ...user(),
      role: "vendor",
      previous_role: "customer",
      changed_by: newId("usr"),
    }),
    "user.deactivated": () => ({ ...user(), active: false, deactivated_by: null }),
    "user.invited": () => ({ ...user(), email_verified: false, invited_by: newId("usr") }),
    "user.two_factor_changed": () => ({
      user_id: newId("usr"),
      email: "someone@example.com",
      change: "enabled",
      enabled: true,
      recovery_codes_remaining: 10,
    }),
    "session.started": () => ({
      user_id: newId("usr"),
      session_id: newId("ses"),
      role: "customer",
      expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    }),
    "session.revoked": () => ({ user_id: newId("usr"), session_ids: [newId("ses")], reason: "logout" }),
    "api_key.used": () => ({
      api_key_id: newId("apk"),
      user_id: newId("usr"),
      method: "GET",
      path: "/api/payments",
      status: 200,
      request_id: "req_sample",
    }),
    "payment.created": () => payment("pending"),
    "payment.processing": () => payment("processing"),
    "payment.succeeded": () => payment("succeeded"),
    "payment.failed": () => ({
      ...payment("failed"),
      failure_code: "card_declined",
      failure_message: "Declined",
    }),
    "payment.canceled": () => ({
      ...payment("canceled"),
      canceled_by: null,
      cancellation_reason: "requested_by_customer",
    }),
    "refund.succeeded": () => ({ ...refund(), status: "succeeded" }),
    "refund.failed": () => ({
      ...refund(),
      status: "failed",
      failure_code: "processor_error",
      failure_message: "Try again later",
    }),
    "config.updated": () => ({
      version: 2,
      keys: ["payments.max_amount"],
      updated_by: newId("usr"),
      updated_at: new Date().toISOString(),
    }),
    "profile.updated": () => ({
      user_id: newId("usr"),
      fields: ["display_name"],
      updated_at: new Date().toISOString(),
    }),
    "notification.created": () => ({
      user_id: newId("usr"),
      id: newId("ntf"),
      kind: "payment_received",
      created_at: new Date().toISOString(),
    }),
  };
  return samples[type]();
}

function user() {
  return {
    id: newId("usr"),
    email: "ada@example.com",
    name: "Ada Lovelace",
    role: "customer" as const,
    active: true,
    created_at: new Date().toISOString(),
    email_verified: true,
  };
}

function payment<S extends string>(status: S) {
  const now = new Date().toISOString();
  return {
    id: newId("pay"),
    payer_id: newId("usr"),
    payee_id: newId("usr"),
    amount: 1999,
    currency: "usd",
    status,
    amount_refunded: 0,
    created_at: now,
    updated_at: now,
  };
}

function refund() {
  return {
    id: newId("re"),
    payment_id: newId("pay"),
    payer_id: newId("usr"),
    payee_id: newId("usr"),
    amount: 500,
    currency: "usd",
    reason: null,
    payment_status: "partially_refunded" as const,
    payment_amount_refunded: 500,
    created_at: new Date().toISOString(),
  };
}
