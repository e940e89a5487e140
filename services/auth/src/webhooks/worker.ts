import type { Tracer } from "@opentelemetry/api";
import type { EventBus, Subscription } from "@payments/events";
import { enqueueMail, mailLink } from "@payments/mail";
import { findUserById } from "../db/queries.ts";
import type { WebhooksCore } from "./core.ts";
import { enqueueEvent, WEBHOOK_TOPICS, WEBHOOKS_CONSUMER } from "./deliveries.ts";
import { signingSecrets } from "./endpoints.ts";
import {
  claimDue,
  findEndpoint,
  insertAttempt,
  nextDueAt,
  updateDelivery,
  updateEndpoint,
} from "./queries.ts";
import { delayBeforeAttempt } from "./schedule.ts";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "./schema.ts";
import { type AttemptResult, sendAttempt } from "./sender.ts";
import { signDelivery } from "./signing.ts";
import { refuseTarget } from "./targets.ts";

/** Longest the worker sleeps without being woken (it also wakes when the next retry is due). */
const IDLE_MS = 1_000;
/** Rounds of `concurrency` sends one claim covers. */
const ROUNDS_PER_PASS = 4;

/** Subscribes the module's queue: each event becomes deliveries (docs/adr/0034). */
export function startWebhookConsumer(
  core: WebhooksCore,
  bus: EventBus,
  tracer?: Tracer,
): Promise<Subscription> {
  return bus.subscribe(
    `auth.${WEBHOOKS_CONSUMER}`,
    [...WEBHOOK_TOPICS],
    async (event) => {
      await enqueueEvent(core, event);
    },
    { tracer },
  );
}

/** An endpoint as one pass of the worker reads it: its row, why its URL is refused now (if it is), its secrets. */
interface PreparedEndpoint {
  endpoint: WebhookEndpointRow | undefined;
  refused: string | undefined;
  secrets: string[];
}

async function prepareEndpoint(core: WebhooksCore, id: string): Promise<PreparedEndpoint> {
  const endpoint = await findEndpoint(core.db, id);
  if (endpoint?.status !== "enabled") return { endpoint, refused: undefined, secrets: [] };
  return {
    endpoint,
    refused: await refuseTarget(endpoint.url, core.settings, core.resolve),
    secrets: await signingSecrets(core, endpoint, core.now()),
  };
}

/**
 * Sends one claimed delivery and records the attempt and what follows from it. `prepared`: the endpoint as
 * this pass already read it (one read, one address check and one unsealing per endpoint and pass).
 */
export async function attemptDelivery(
  core: WebhooksCore,
  delivery: WebhookDeliveryRow,
  prepared?: Promise<PreparedEndpoint>,
): Promise<AttemptResult | undefined> {
  const { endpoint, refused, secrets } = await (prepared ?? prepareEndpoint(core, delivery.endpointId));
  const now = core.now();
  if (endpoint?.status !== "enabled") {
    // Disabled (or deleted meanwhile): nothing is sent; a replay after enabling it sends it.
    await updateDelivery(core.db, delivery.id, { status: "failed", nextAttemptAt: null, updatedAt: now });
    return undefined;
  }
  const result: AttemptResult = refused
    ? { statusCode: null, latencyMs: 0, error: `refused: ${refused}`, responseBody: "", delivered: false }
    : await sendAttempt(
        core.fetch,
        endpoint.url,
        signDelivery(secrets, delivery.eventId, now, delivery.payload),
        delivery.payload,
        core.settings.timeoutMs,
      );
  const done = core.now();
  const scheduleAttempts = delivery.scheduleAttempts + 1;
  const delay = result.delivered ? undefined : delayBeforeAttempt(scheduleAttempts, core.settings.retryScale);
  let mailed = false;
  await core.db.transaction(async (tx) => {
    await insertAttempt(tx, {
      deliveryId: delivery.id,
      attemptedAt: now,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error,
      responseBody: result.responseBody,
    });
    await updateDelivery(tx, delivery.id, {
      status: result.delivered ? "succeeded" : delay === undefined ? "failed" : "pending",
      scheduleAttempts,
      attemptCount: delivery.attemptCount + 1,
      nextAttemptAt: delay === undefined ? null : new Date(done.getTime() + delay),
      updatedAt: done,
    });
    if (result.delivered) {
      if (endpoint.failingSince) await updateEndpoint(tx, endpoint.id, { failingSince: null });
      return;
    }
    const failingSince = endpoint.failingSince ?? now;
    if (done.getTime() - failingSince.getTime() >= core.disableAfterMs) {
      await updateEndpoint(tx, endpoint.id, {
        failingSince,
        status: "disabled",
        disabledReason: "failing",
        updatedAt: done,
      });
      core.logger.warn(
        { endpoint_id: endpoint.id, user_id: endpoint.userId, failing_since: failingSince.toISOString() },
        "webhook endpoint disabled: every delivery failed for the whole disable window",
      );
      // The owner is told by mail, in the same transaction (the mail outbox; docs/adr/0017).
      const owner = await findUserById(tx, endpoint.userId);
      if (owner) {
        await enqueueMail(tx, {
          to: owner.email,
          template: "webhook_endpoint_disabled",
          locale: "en",
          vars: {
            name: owner.name,
            url: endpoint.url,
            since: failingSince.toISOString().slice(0, 16).replace("T", " "),
            link: mailLink(core.mail.publicBaseUrl, "/developers"),
          },
        });
        mailed = true;
      }
    } else if (!endpoint.failingSince) {
      await updateEndpoint(tx, endpoint.id, { failingSince });
    }
  });
  if (mailed) core.mail.committed();
  return result;
}

/** The delivery loop: claim what is due, send up to `concurrency` at once, sleep until the next is due or woken. */
export function startWebhookWorker(
  core: WebhooksCore,
  opts: { leaseMs?: number } = {},
): { stop(): Promise<void> } {
  const { concurrency } = core.settings;
  // A pass claims a few rounds of sends; its lease covers them all at the longest timeout, and one more.
  const batch = concurrency * ROUNDS_PER_PASS;
  const leaseMs = opts.leaseMs ?? core.settings.timeoutMs * (ROUNDS_PER_PASS + 1);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const claimed = await claimDue(core.db, core.now(), leaseMs, batch);
        const endpoints = new Map<string, Promise<PreparedEndpoint>>();
        const prepared = (id: string) => {
          const known = endpoints.get(id);
          if (known) return known;
          const fresh = prepareEndpoint(core, id);
          endpoints.set(id, fresh);
          return fresh;
        };
        // `concurrency` sends in flight at any time (not in lockstep rounds: a slow receiver holds one slot).
        let next = 0;
        const sender = async () => {
          for (let i = next++; i < claimed.length; i = next++) {
            const d = claimed[i];
            if (!d) continue;
            await attemptDelivery(core, d, prepared(d.endpointId)).catch((err) =>
              core.logger.error({ err, delivery_id: d.id }, "webhook attempt failed"),
            );
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, sender));
        if (claimed.length === batch) continue;
        const due = await nextDueAt(core.db);
        const wait = due ? Math.max(0, Math.min(IDLE_MS, due.getTime() - core.now().getTime())) : IDLE_MS;
        await core.worker.wait(wait);
      } catch (err) {
        core.logger.warn({ err }, "webhook worker pass failed; retrying");
        await core.worker.wait(IDLE_MS);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      core.worker.wake();
      await loop;
    },
  };
}
