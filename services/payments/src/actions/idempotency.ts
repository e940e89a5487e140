import { ApiError, type ErrorBody, idempotencyError } from "@payments/service-kit";
import type { PaymentsDb } from "../core.ts";
import {
  completeKey,
  insertInFlight,
  type KeyRow,
  readKey,
  releaseKey,
  takeOver,
} from "../db/idempotency-keys.ts";
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

/**
 * The key of a request whose whole effect is one statement that stores the response itself: the statement
 * inserts the key `completed`, or completes it when this request holds it in flight under `lockToken`.
 */
export interface StatementKey {
  userId: string;
  key: string;
  requestHash: string;
  lockToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A response a one-statement request stored with its key itself (the JSON as text). */
export interface StatementResponse {
  status: number;
  json: string;
}

/** Runs requests at most once per (user, key), as ARCHITECTURE §3 and ADR 0004 describe. */
export interface Idempotency {
  run(
    request: IdempotentRequest,
    execute: (complete: CompleteKey) => Promise<StoredResponse>,
  ): Promise<IdempotentResult>;
  /**
   * A request whose whole effect is one SQL statement that also stores its response with the key
   * (docs/adr/0027): `attempt` resolves with that response, with undefined when the key is held by another
   * request (it then wrote nothing), or throws a refusal (having written nothing). The first attempt inserts
   * the key in the statement itself: one round trip for a new key. Otherwise the request goes the way of
   * {@link run} — replay, wait, 422, or claim the key and attempt again under its lock token, storing a
   * refusal with the key.
   */
  runStatement(
    request: IdempotentRequest,
    attempt: (key: StatementKey) => Promise<StatementResponse | undefined>,
  ): Promise<IdempotentResult>;
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

/** What a request's work produced: a response to store with the key, or one its statement stored itself. */
type WorkResult = StoredResponse | (StatementResponse & { storedByStatement: true });

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
  // Keys this process left in flight because releasing them failed (the database went away mid-request):
  // slot → lock token. Nothing committed under such a token, so a retry takes the key over at once instead
  // of waiting for the stale takeover. Other processes still wait for that (they cannot know).
  const abandoned = new Map<string, string>();
  const abandon = (r: IdempotentRequest, token: string) => {
    abandoned.delete(slot(r));
    abandoned.set(slot(r), token);
    if (abandoned.size > MAX_ABANDONED) abandoned.delete(abandoned.keys().next().value ?? "");
  };

  const read = (r: IdempotentRequest): Promise<KeyRow | undefined> => readKey(db, r);

  /**
   * Inserts the key as in flight, or takes over a dead one (only if it is still exactly as read: same owner,
   * same state); the lock token on success.
   */
  async function claim(r: IdempotentRequest, hash: string, dead?: KeyRow): Promise<string | undefined> {
    const token = crypto.randomUUID();
    const at = now();
    const fields = {
      requestHash: hash,
      lockToken: token,
      lockedAt: at,
      expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS),
    };
    const claimed = dead ? await takeOver(db, r, dead, fields) : await insertInFlight(db, r, fields);
    return claimed ? token : undefined;
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
    work: (complete: CompleteKey, token: string) => Promise<WorkResult>,
  ): Promise<IdempotentResult> {
    let completed = false;
    const complete: CompleteKey = async (tx, response) => {
      const held = await completeKey(tx, r, token, {
        status: response.status,
        body: JSON.stringify(response.body),
      });
      // Someone took the key over (we were presumed dead): our transaction must not commit a second result.
      if (!held) throw new Error("idempotency key was taken over by another request");
      completed = true;
    };
    try {
      const response = await work(complete, token);
      if ("storedByStatement" in response) {
        metrics.idempotency.inc({ outcome: "executed" });
        return { status: response.status, json: response.json, replayed: false };
      }
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
      const released = await releaseKey(db, r, token).then(
        () => true,
        () => false,
      );
      if (!released) abandon(r, token);
      throw error;
    } finally {
      notify(r);
    }
  }

  async function run(
    r: IdempotentRequest,
    work: (complete: CompleteKey, token: string) => Promise<WorkResult>,
  ): Promise<IdempotentResult> {
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
  }

  return {
    run: (r, work) => run(r, (complete) => work(complete)),
    async runStatement(r, attempt) {
      const at = now();
      const key: StatementKey = {
        userId: r.userId,
        key: r.key,
        requestHash: requestHash(r.method, r.path, r.body),
        lockToken: crypto.randomUUID(),
        createdAt: at,
        expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS),
      };
      try {
        const stored = await attempt(key);
        if (stored) {
          metrics.idempotency.inc({ outcome: "executed" });
          return { ...stored, replayed: false };
        }
      } catch (error) {
        // A refusal wrote nothing: it is stored with the key below, as the answer to this request.
        if (!(error instanceof ApiError && error.status < 500)) throw error;
      }
      return run(r, async (_complete, token) => {
        const stored = await attempt({ ...key, lockToken: token, createdAt: now() });
        // We hold the key in flight, so only a takeover (we were presumed dead) leaves it to someone else.
        if (!stored) throw new Error("idempotency key was taken over by another request");
        return { ...stored, storedByStatement: true };
      });
    },
  };
}
