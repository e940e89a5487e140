import { ApiError, type ErrorBody, idempotencyError } from "@payments/service-kit";
import { and, eq, lte } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { decideOnStoredKey, IDEMPOTENCY_TTL_MS, requestHash } from "../domain/idempotency.ts";
import type { PaymentMetrics } from "../metrics.ts";

/** A response as stored with its key and replayed verbatim. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** Marks the key completed with `response` inside the caller's transaction (the one that made the change). */
export type CompleteKey = (tx: PaymentsDb, response: StoredResponse) => Promise<void>;

/** A request carrying an `Idempotency-Key`. */
export interface IdempotentRequest {
  userId: string;
  key: string;
  method: string;
  path: string;
  /** The validated body: what "the same request" is compared on. */
  body: unknown;
  /** Written into a stored error body, as the first response carried it. */
  requestId: string;
}

/** Outcome of {@link Idempotency.run}: the response to send, byte for byte the one stored. */
export interface IdempotentResult {
  status: number;
  /** The JSON body as text. */
  json: string;
  /** True when this is the stored response of an earlier request. */
  replayed: boolean;
}

/** Options of {@link createIdempotency}. */
export interface IdempotencyOptions {
  db: PaymentsDb;
  metrics: PaymentMetrics;
  now: () => Date;
  /** How long a duplicate waits for the request that holds the key (ADR 0004); then 409. */
  waitMs: number;
  /** An in-flight key older than this is presumed abandoned by a dead process. Default 60 s. */
  staleAfterMs?: number;
  /** How often a waiting duplicate re-reads the key (other processes cannot notify it). Default 25 ms. */
  pollMs?: number;
}

/** Most keys remembered as abandoned at once; beyond that the oldest fall back to the stale takeover. */
const MAX_ABANDONED = 10_000;

/** A key as a one-statement execution inserts it: already `completed`, in the statement that makes the change. */
export interface CompletedKey {
  userId: string;
  key: string;
  requestHash: string;
  lockToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Runs requests at most once per (user, key), as ARCHITECTURE §3 and ADR 0004 describe. */
export interface Idempotency {
  run(
    request: IdempotentRequest,
    execute: (complete: CompleteKey) => Promise<StoredResponse>,
  ): Promise<IdempotentResult>;
  /**
   * The fast path of a request whose whole effect is one SQL statement (ADR 0004): `attempt` inserts `key`
   * with `ON CONFLICT DO NOTHING` in the statement that makes the change, and returns the status and body
   * it stored, or undefined when it wrote nothing (the key exists, or the request is refused). Undefined
   * here means: go through {@link run}, which replays, waits, refuses or executes as usual.
   */
  runAtOnce(
    request: IdempotentRequest,
    attempt: (key: CompletedKey) => Promise<{ status: number; json: string } | undefined>,
  ): Promise<IdempotentResult | undefined>;
}

type KeyRow = typeof idempotencyKeys.$inferSelect;

/** Deletes keys whose 24 h are over; returns how many. */
export async function pruneIdempotencyKeys(db: PaymentsDb, now: Date): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}

function errorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      ...(error.param === undefined ? {} : { param: error.param }),
      request_id: requestId,
    },
  };
}

/** The idempotency-key store on the payments database. */
export function createIdempotency(opts: IdempotencyOptions): Idempotency {
  const { db, metrics, now } = opts;
  const staleAfterMs = opts.staleAfterMs ?? 60_000;
  const pollMs = opts.pollMs ?? 25;
  // Waiters in this process are woken at once when the key's owner finishes; others poll.
  const waiters = new Map<string, Set<() => void>>();
  const slot = (r: IdempotentRequest) => `${r.userId}\u0000${r.key}`;
  const notify = (r: IdempotentRequest) => {
    for (const wake of waiters.get(slot(r)) ?? []) wake();
  };
  const keyIs = (r: IdempotentRequest) =>
    and(eq(idempotencyKeys.userId, r.userId), eq(idempotencyKeys.key, r.key));
  // Keys this process left in flight because releasing them failed (the database went away mid-request):
  // slot → lock token. Nothing committed under such a token, so a retry takes the key over at once instead
  // of waiting for the stale takeover. Other processes still wait for that (they cannot know).
  const abandoned = new Map<string, string>();
  const abandon = (r: IdempotentRequest, token: string) => {
    abandoned.delete(slot(r));
    abandoned.set(slot(r), token);
    if (abandoned.size > MAX_ABANDONED) abandoned.delete(abandoned.keys().next().value ?? "");
  };

  async function read(r: IdempotentRequest): Promise<KeyRow | undefined> {
    const [row] = await db.select().from(idempotencyKeys).where(keyIs(r));
    return row;
  }

  /**
   * Inserts the key as in flight, or takes over a dead one (only if it is still exactly as read: same owner,
   * same state); the lock token on success.
   */
  async function claim(r: IdempotentRequest, hash: string, dead?: KeyRow): Promise<string | undefined> {
    const token = crypto.randomUUID();
    const at = now();
    const fields = {
      requestHash: hash,
      state: "in_flight" as const,
      lockToken: token,
      responseStatus: null,
      responseBody: null,
      lockedAt: at,
      expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS),
    };
    const claimed = dead
      ? await db
          .update(idempotencyKeys)
          .set(fields)
          .where(
            and(
              keyIs(r),
              eq(idempotencyKeys.lockToken, dead.lockToken),
              eq(idempotencyKeys.state, dead.state),
            ),
          )
          .returning({ key: idempotencyKeys.key })
      : await db
          .insert(idempotencyKeys)
          .values({ userId: r.userId, key: r.key, createdAt: at, ...fields })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
    return claimed.length > 0 ? token : undefined;
  }

  /** Waits (bounded) until the key is no longer in flight under `token`; the row then, or undefined. */
  async function waitForOwner(r: IdempotentRequest, token: string): Promise<KeyRow | undefined | "timeout"> {
    const deadline = Date.now() + opts.waitMs;
    const id = slot(r);
    for (;;) {
      const row = await read(r);
      if (!row || row.state === "completed" || row.lockToken !== token) return row;
      const left = deadline - Date.now();
      if (left <= 0) return "timeout";
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0) waiters.delete(id);
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollMs, left));
        set.add(done);
      });
    }
  }

  async function execute(
    r: IdempotentRequest,
    token: string,
    work: (complete: CompleteKey) => Promise<StoredResponse>,
  ): Promise<IdempotentResult> {
    let completed = false;
    const complete: CompleteKey = async (tx, response) => {
      const updated = await tx
        .update(idempotencyKeys)
        .set({
          state: "completed",
          responseStatus: response.status,
          responseBody: JSON.stringify(response.body),
        })
        .where(and(keyIs(r), eq(idempotencyKeys.lockToken, token)))
        .returning({ key: idempotencyKeys.key });
      // Someone took the key over (we were presumed dead): our transaction must not commit a second result.
      if (updated.length === 0) throw new Error("idempotency key was taken over by another request");
      completed = true;
    };
    try {
      const response = await work(complete);
      if (!completed) await complete(db, response);
      metrics.idempotency.inc({ outcome: "executed" });
      return { status: response.status, json: JSON.stringify(response.body), replayed: false };
    } catch (error) {
      // `complete` may have run in a transaction that then rolled back: the row tells what really committed.
      const row = completed ? await read(r).catch(() => undefined) : undefined;
      if (row?.lockToken === token && row.state === "completed" && row.responseStatus !== null) {
        return { status: row.responseStatus, json: row.responseBody ?? "null", replayed: false };
      }
      if (error instanceof ApiError && error.status < 500) {
        // A business refusal is the answer to this request, replayed like a success (as Stripe does).
        const response = { status: error.status, body: errorBody(error, r.requestId) };
        await complete(db, response);
        metrics.idempotency.inc({ outcome: "executed" });
        return { status: response.status, json: JSON.stringify(response.body), replayed: false };
      }
      // Failures that a retry may cure (database down, a bug) release the key: nothing was committed. Only
      // while it is still in flight: a commit whose acknowledgement was lost left it completed, to replay.
      const released = await db
        .delete(idempotencyKeys)
        .where(and(keyIs(r), eq(idempotencyKeys.lockToken, token), eq(idempotencyKeys.state, "in_flight")))
        .then(
          () => true,
          () => false,
        );
      if (!released) abandon(r, token);
      throw error;
    } finally {
      notify(r);
    }
  }

  return {
    async runAtOnce(r, attempt) {
      const at = now();
      const stored = await attempt({
        userId: r.userId,
        key: r.key,
        requestHash: requestHash(r.method, r.path, r.body),
        lockToken: crypto.randomUUID(),
        createdAt: at,
        expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS),
      });
      if (!stored) return undefined;
      metrics.idempotency.inc({ outcome: "executed" });
      return { ...stored, replayed: false };
    },
    async run(r, work) {
      const hash = requestHash(r.method, r.path, r.body);
      // Bounded: each turn either decides, or follows a key that changed under us (released, taken over).
      for (let turn = 0; turn < 5; turn++) {
        const token = await claim(r, hash);
        if (token) return execute(r, token, work);
        let row = await read(r);
        if (!row) continue;
        let decision = decideOnStoredKey(row, hash, now(), staleAfterMs);
        if (decision === "wait" && abandoned.get(slot(r)) === row.lockToken) decision = "take_over";
        if (decision === "wait") {
          const after = await waitForOwner(r, row.lockToken);
          if (after === "timeout") {
            metrics.idempotency.inc({ outcome: "in_flight" });
            throw idempotencyError(
              "idempotency_request_in_progress",
              "A request with this Idempotency-Key is still being processed; retry later.",
              409,
            );
          }
          if (!after) continue;
          row = after;
          decision = decideOnStoredKey(row, hash, now(), staleAfterMs);
        }
        if (decision === "mismatch") {
          metrics.idempotency.inc({ outcome: "mismatch" });
          throw idempotencyError(
            "idempotency_key_reused",
            "This Idempotency-Key was used with a different request; use a new key.",
            422,
          );
        }
        if (decision === "replay" && row.responseStatus !== null) {
          metrics.idempotency.inc({ outcome: "replayed" });
          return { status: row.responseStatus, json: row.responseBody ?? "null", replayed: true };
        }
        if (decision === "take_over") {
          const taken = await claim(r, hash, row);
          if (abandoned.get(slot(r)) === row.lockToken) abandoned.delete(slot(r));
          if (taken) return execute(r, taken, work);
        }
      }
      throw idempotencyError(
        "idempotency_request_in_progress",
        "A request with this Idempotency-Key is being processed; retry later.",
        409,
      );
    },
  };
}
