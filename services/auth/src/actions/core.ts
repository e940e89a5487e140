import type { EventEnvelope } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import type { Logger } from "@payments/service-kit";
import type { AuthDb } from "../db/queries.ts";
import type { KeyStore } from "../keys/keys.ts";
import type { PasswordHasher } from "../security/passwords.ts";
import type { Throttle } from "../security/throttle.ts";
import type { AuthSettings } from "../settings.ts";

/** Everything the auth use cases work with; built once by `createApp` from its deps. */
export interface AuthCore {
  db: AuthDb;
  keys: KeyStore;
  hasher: PasswordHasher;
  throttle: Throttle;
  settings: AuthSettings;
  now: () => Date;
  logger: Logger;
  /** Called after a transaction that wrote outbox rows committed (wakes the relay). */
  eventsCommitted: () => void;
}

/** Where a request came from, for sessions (devices), throttling and event trace context. */
export interface ClientMeta {
  ip: string;
  userAgent: string | undefined;
  traceparent: string | undefined;
}

/**
 * Runs `work` in one transaction; events it `emit`s are written to the outbox in that same transaction,
 * so a state change and its events commit or roll back together. The relay is woken after the commit.
 */
export async function withEvents<T>(
  core: AuthCore,
  work: (tx: AuthDb, emit: (...events: EventEnvelope[]) => void) => Promise<T>,
): Promise<T> {
  const pending: EventEnvelope[] = [];
  const result = await core.db.transaction(async (tx) => {
    const value = await work(tx, (...events) => pending.push(...events));
    await enqueueEvents(tx, pending);
    return value;
  });
  if (pending.length > 0) core.eventsCommitted();
  return result;
}
