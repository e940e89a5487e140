import type { z } from "zod";
import type { Id } from "../ids/index.ts";
import { notificationCreatedV1 } from "./data/notifications.ts";
import {
  paymentCanceledV1,
  paymentCreatedV1,
  paymentFailedV1,
  paymentProcessingV1,
  paymentSucceededV1,
  refundFailedV1,
  refundSucceededV1,
} from "./data/payments.ts";
import { configUpdatedV1, profileUpdatedV1 } from "./data/platform.ts";
import {
  apiKeyUsedV1,
  sessionRevokedV1,
  sessionStartedV1,
  userDeactivatedV1,
  userInvitedV1,
  userRegisteredV1,
  userRoleChangedV1,
  userTwoFactorChangedV1,
  userUpdatedV1,
} from "./data/users.ts";

/** One event type's data schemas by version, and the version producers emit by default. */
interface EventDefinition {
  readonly latest: number;
  readonly versions: Readonly<Record<number, z.ZodType>>;
}

/**
 * Every event of the platform (ARCHITECTURE §1) with the zod schema of its `data` per version. A breaking
 * change adds a version (consumers keep parsing the old one until no producer emits it); additive fields
 * stay in the same version because parsing strips unknown keys (tolerant reader).
 */
export const eventRegistry = {
  "user.registered": { latest: 1, versions: { 1: userRegisteredV1 } },
  "user.updated": { latest: 1, versions: { 1: userUpdatedV1 } },
  "user.role_changed": { latest: 1, versions: { 1: userRoleChangedV1 } },
  "user.deactivated": { latest: 1, versions: { 1: userDeactivatedV1 } },
  "user.invited": { latest: 1, versions: { 1: userInvitedV1 } },
  "user.two_factor_changed": { latest: 1, versions: { 1: userTwoFactorChangedV1 } },
  "session.started": { latest: 1, versions: { 1: sessionStartedV1 } },
  "session.revoked": { latest: 1, versions: { 1: sessionRevokedV1 } },
  "api_key.used": { latest: 1, versions: { 1: apiKeyUsedV1 } },
  "payment.created": { latest: 1, versions: { 1: paymentCreatedV1 } },
  "payment.processing": { latest: 1, versions: { 1: paymentProcessingV1 } },
  "payment.succeeded": { latest: 1, versions: { 1: paymentSucceededV1 } },
  "payment.failed": { latest: 1, versions: { 1: paymentFailedV1 } },
  "payment.canceled": { latest: 1, versions: { 1: paymentCanceledV1 } },
  "refund.succeeded": { latest: 1, versions: { 1: refundSucceededV1 } },
  "refund.failed": { latest: 1, versions: { 1: refundFailedV1 } },
  "config.updated": { latest: 1, versions: { 1: configUpdatedV1 } },
  "profile.updated": { latest: 1, versions: { 1: profileUpdatedV1 } },
  "notification.created": { latest: 1, versions: { 1: notificationCreatedV1 } },
} as const satisfies Record<string, EventDefinition>;

type Registry = typeof eventRegistry;

/** Name of a registered event, which is also its routing key (`"payment.created"`). */
export type EventType = keyof Registry;

/** Versions registered for event type `T`. */
export type EventVersion<T extends EventType> = keyof Registry[T]["versions"] & number;

/** The version producers of `T` emit when they do not name one. */
export type LatestVersion<T extends EventType> = Registry[T]["latest"] & EventVersion<T>;

/** Typed `data` of event `T` at version `V` (default: latest), as consumers receive it. */
export type EventData<T extends EventType, V extends EventVersion<T> = LatestVersion<T>> = z.output<
  Registry[T]["versions"][V]
>;

/** What a producer passes as `data` of event `T` at version `V`. */
export type EventDataInput<T extends EventType, V extends EventVersion<T> = LatestVersion<T>> = z.input<
  Registry[T]["versions"][V]
>;

/** A validated event envelope of type `T` and version `V` with typed `data`. */
export interface EventOf<T extends EventType, V extends EventVersion<T> = LatestVersion<T>> {
  /** Unique per event; consumers deduplicate on it (inbox), RabbitMQ carries it as `message_id`. */
  id: Id<"evt">;
  type: T;
  version: V;
  /** When the state change happened (UTC), not when the event was published. */
  occurred_at: string;
  /** Service that emitted it (`"payments"`). */
  producer: string;
  /** The aggregate the event is about (`pay_…`, `usr_…`); events of one subject are emitted in order. */
  subject: string;
  data: EventData<T, V>;
  /** W3C trace context of the operation that caused the event. */
  traceparent?: string;
}

/**
 * Any registered event: a union discriminated by `type` (and `version`), so `switch (event.type)` in a
 * handler narrows `event.data`.
 */
export type EventEnvelope = {
  [T in EventType]: { [V in EventVersion<T>]: EventOf<T, V> }[EventVersion<T>];
}[EventType];

/** Every registered event type. */
export const EVENT_TYPES = Object.keys(eventRegistry) as readonly EventType[];

/** True when `type` is a registered event type. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventRegistry, type);
}

/** The data schema of `type` at `version`, or undefined when that pair is not registered. */
export function eventDataSchema(type: string, version: number): z.ZodType | undefined {
  if (!isEventType(type)) return undefined;
  const versions: Readonly<Record<number, z.ZodType>> = eventRegistry[type].versions;
  return Object.hasOwn(versions, version) ? versions[version] : undefined;
}

/** The version producers of `type` emit by default. */
export function latestVersion<T extends EventType>(type: T): LatestVersion<T> {
  const latest: number = eventRegistry[type].latest;
  // The satisfies-check above and the registry test guarantee `latest` is one of the registered versions.
  return latest as LatestVersion<T>;
}
