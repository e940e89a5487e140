import type { EventEnvelope, Id } from "@payments/contracts";
import {
  applyOnce,
  type EventBus,
  type EventHandler,
  enqueueEvents,
  type SubscribeOptions,
  type Subscription,
} from "@payments/events";
import { applyNotifyingEvent } from "../actions/notifications.ts";
import { profileUpdated } from "../actions/profile.ts";
import { type ProfileCore, userTag } from "../core.ts";
import { deletePreferences, lockOrCreateProfile, updateProfile } from "../db/queries.ts";
import { type AccountEvent, planAccountEvent } from "../domain/account.ts";
import { NOTIFYING_EVENTS } from "../domain/notifications.ts";

/** Inbox consumer name and queue of the profile service. */
export const CONSUMER = "profile";

/** What the profile queue is bound to: account events, and what notifies someone (docs/adr/0028). */
export const SUBSCRIBED_EVENTS = [
  "user.registered",
  "user.updated",
  "user.deactivated",
  ...NOTIFYING_EVENTS.filter((type) => type !== "user.updated"),
] as const;

/**
 * Applies an account event to the user's profile, at most once (inbox), in one transaction with the
 * `profile.updated` it may cause. The row is created if this is the first the service hears of the user,
 * whichever event that is, and an event older than one already applied changes nothing.
 */
async function applyAccountEvent(core: ProfileCore, event: AccountEvent): Promise<void> {
  const userId: Id<"usr"> = event.data.id;
  const emitted: EventEnvelope[] = [];
  const outcome = await applyOnce(core.db, CONSUMER, event, async (tx) => {
    const now = core.now();
    const row = await lockOrCreateProfile(tx, userId, now);
    const plan = planAccountEvent(row, event, core.policy);
    if (!plan) return;
    await updateProfile(tx, userId, plan.set, now);
    if (plan.dropPreferences) await deletePreferences(tx, userId);
    if (plan.changedFields.length > 0) {
      emitted.push(profileUpdated(userId, plan.changedFields, now, event.traceparent));
      await enqueueEvents(tx, emitted);
    }
  });
  if (outcome === "duplicate") return;
  if (emitted.length > 0) core.eventsCommitted();
  await core.cache.invalidateTag(userTag(userId));
}

/** Dispatches the events the profile queue receives. */
export function createProfileHandler(core: ProfileCore): EventHandler {
  return async (event) => {
    switch (event.type) {
      case "user.registered":
      case "user.deactivated":
        await applyAccountEvent(core, event);
        return;
      case "user.updated":
        // The account first, so a notice about this very change already mails the address it names.
        await applyAccountEvent(core, event);
        await applyNotifyingEvent(core, event);
        return;
      case "payment.succeeded":
      case "payment.failed":
      case "refund.succeeded":
      case "session.started":
      case "user.two_factor_changed":
        await applyNotifyingEvent(core, event);
        return;
      default:
        // Only the bound types arrive; anything else is a binding left from an older version.
        core.logger.debug({ type: event.type }, "profile: ignoring event");
    }
  };
}

/** Options of {@link startProfileConsumer}. */
export interface ProfileConsumerOptions {
  core: ProfileCore;
  bus: EventBus;
  /** Queue name; default "profile" (tests on a shared broker pass their own). */
  queue?: string;
  subscribe?: SubscribeOptions;
  /** The service's tracer: deliveries are its `process <type>` spans, with the handler's spans under them. */
  tracer?: SubscribeOptions["tracer"];
  /** Events handled at once (default: the bus's). */
  prefetch?: number;
}

/** Subscribes the profile queue. */
export function startProfileConsumer(opts: ProfileConsumerOptions): Promise<Subscription> {
  return opts.bus.subscribe(opts.queue ?? CONSUMER, [...SUBSCRIBED_EVENTS], createProfileHandler(opts.core), {
    ...(opts.subscribe ?? { retryDelaysMs: [1_000, 10_000, 60_000], maxAttempts: 4 }),
    ...(opts.prefetch ? { prefetch: opts.prefetch } : {}),
    tracer: opts.tracer,
  });
}
