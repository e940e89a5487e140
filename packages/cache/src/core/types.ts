import type { HealthProbe } from "@payments/service-kit";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** The subset of a pino logger the cache writes to; any pino `Logger` satisfies it. */
export type LoggerLike = Pick<Logger, "info" | "warn" | "error" | "debug">;

/** Per-entry options of {@link Cache.set} and {@link Cache.wrap}. */
export interface CacheSetOptions {
  /** Time to live in milliseconds; defaults to the cache's `defaultTtlMs` (none: kept until evicted). */
  ttlMs?: number;
  /** Tags the entry belongs to; {@link Cache.invalidateTag} deletes every entry set with the tag. */
  tags?: string[];
}

/**
 * A namespaced key-value cache of JSON values. It is an optimisation, never a source of truth: no method
 * throws because the backend failed — reads then report a miss, writes are dropped, and the failure is
 * logged and counted. Values go through JSON (a `Date` comes back as its ISO string; `undefined` is not
 * stored).
 */
export interface Cache {
  /** The value stored under `key`, or undefined on a miss (or when the backend is unavailable). */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Reads and deletes `key` in one atomic step: of several concurrent takes of one key (in any process
   * sharing the backend), exactly one gets the value. For one-time tokens such as WebSocket tickets.
   */
  take<T>(key: string): Promise<T | undefined>;
  /** Stores `value` as JSON. Setting `undefined` deletes the key. */
  set<T>(key: string, value: T, opts?: CacheSetOptions): Promise<void>;
  /** Deletes the keys; missing keys are ignored. */
  del(...keys: string[]): Promise<void>;
  /**
   * Deletes every key that was set with any of `tags`. Several tags at once cost one round trip to Redis
   * (a service invalidating many users' lists after a batch of changes names them all in one call).
   */
  invalidateTag(...tags: string[]): Promise<void>;
  /**
   * Read-through: returns the cached value, or calls `load`, stores its result and returns it. Concurrent
   * calls for the same key in this process share one lookup and one `load` (single-flight). Errors from
   * `load` reach every waiting caller and are not cached. The store is guarded: when `del` of the key or
   * `invalidateTag` of one of its tags ran (in any process) after the lookup began, the loaded value may
   * predate that change and is returned but not stored — so a reader racing a writer cannot put a stale
   * copy back after the writer's invalidation.
   */
  wrap<T>(key: string, load: () => Promise<T>, opts?: CacheSetOptions): Promise<T>;
  /**
   * Write-through after a committed change: calls `load` without looking the key up first and stores its
   * result with `wrap`'s guard — not stored when `del` of the key or `invalidateTag` of one of its tags ran
   * after the fill began, since the load may then predate that change. A writer invalidates first, then
   * fills, so the next reader hits the new value; a fill overtaken by a newer change leaves the key to that
   * change's own invalidation and fill. Does not count as a lookup. Errors from `load` reach the caller.
   */
  fill<T>(key: string, load: () => Promise<T>, opts?: CacheSetOptions): Promise<T>;
  readonly kind: "redis" | "memory";
  /** Readiness probe; not critical, since a service without its cache is slower, not broken. */
  readonly probe: HealthProbe;
  /** Releases connections or memory. */
  close(): Promise<void>;
}

/** Options every implementation accepts. */
export interface CacheCommonOptions {
  /** Prefix of every key and the `cache` label of the metrics, e.g. "payments". */
  namespace: string;
  /** TTL of entries set without `ttlMs`; none by default. */
  defaultTtlMs?: number;
  /** The service's metrics registry; a private one when omitted (never the global default registry). */
  registry?: Registry;
  logger: LoggerLike;
}

/**
 * What an implementation supplies: raw string storage that may throw. {@link buildCache} adds JSON,
 * metrics, single-flight and the never-throw policy on top, so both implementations behave the same.
 */
export interface CacheBackend {
  readonly kind: Cache["kind"];
  readonly probe: HealthProbe;
  get(key: string): Promise<string | undefined>;
  /** Atomic get-and-delete (Redis GETDEL). */
  take(key: string): Promise<string | undefined>;
  set(key: string, json: string, ttlMs: number | undefined, tags: readonly string[]): Promise<void>;
  /**
   * The invalidation sequence now: every `del` and `invalidateTags` takes a new, higher number and marks
   * its keys and tags with it (the marks are kept at least {@link INVALIDATION_MARK_TTL_MS}).
   */
  sequence(): Promise<number>;
  /**
   * {@link set}, unless the key or one of the tags was invalidated after `since` (a {@link sequence});
   * checked and stored in one atomic step. False when it did not store.
   */
  setUnlessInvalidated(
    key: string,
    json: string,
    ttlMs: number | undefined,
    tags: readonly string[],
    since: number,
  ): Promise<boolean>;
  del(keys: readonly string[]): Promise<void>;
  invalidateTags(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long a backend remembers that a key or tag was invalidated. A load that takes longer than this cannot
 * be checked against invalidations and is not stored.
 */
export const INVALIDATION_MARK_TTL_MS = 120_000;
