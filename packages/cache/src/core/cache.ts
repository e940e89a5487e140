import { Registry } from "prom-client";
import { cacheMetrics } from "./metrics.ts";
import { throttledLog } from "./throttle.ts";
import {
  type Cache,
  type CacheBackend,
  type CacheCommonOptions,
  type CacheSetOptions,
  INVALIDATION_MARK_TTL_MS,
} from "./types.ts";

/** How often, at most, a failing backend is logged (failures in between are counted and summarised). */
export const FAILURE_LOG_INTERVAL_MS = 30_000;

type Operation = "get" | "take" | "set" | "del" | "invalidateTag" | "sequence";

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A positive TTL in whole milliseconds, or undefined for "no expiry". */
function normaliseTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.max(1, Math.round(ttlMs));
}

/**
 * Wraps a raw backend into a {@link Cache}: JSON values, hit/miss/error metrics, single-flight `wrap`, and
 * the rule that backend failures are logged (throttled), counted and swallowed.
 */
export function buildCache(backend: CacheBackend, opts: CacheCommonOptions): Cache {
  const { namespace, logger } = opts;
  const metrics = cacheMetrics(opts.registry ?? new Registry());
  const failures = throttledLog(logger, FAILURE_LOG_INTERVAL_MS);
  const defaultTtlMs = normaliseTtl(opts.defaultTtlMs);
  const inflight = new Map<string, Promise<unknown>>();

  const fail = (operation: Operation, error: unknown): void => {
    metrics.errors.inc({ cache: namespace, operation });
    failures.failure(
      { cache: namespace, backend: backend.kind, operation, err: describe(error) },
      `cache ${namespace}: ${backend.kind} ${operation} failed; serving without cache`,
    );
  };
  const succeeded = (): void =>
    failures.recovered(
      { cache: namespace, backend: backend.kind },
      `cache ${namespace}: ${backend.kind} works again`,
    );

  async function read<T>(key: string, operation: "get" | "take"): Promise<T | undefined> {
    let raw: string | undefined;
    try {
      raw = await (operation === "take" ? backend.take(key) : backend.get(key));
      succeeded();
    } catch (error) {
      metrics.requests.inc({ cache: namespace, result: "error" });
      fail(operation, error);
      return undefined;
    }
    if (raw === undefined) {
      metrics.requests.inc({ cache: namespace, result: "miss" });
      return undefined;
    }
    try {
      const value = JSON.parse(raw) as T;
      metrics.requests.inc({ cache: namespace, result: "hit" });
      return value;
    } catch (error) {
      // Not written by this code (or truncated); treat it as a miss and let the next set repair it.
      metrics.requests.inc({ cache: namespace, result: "error" });
      fail(operation, error);
      return undefined;
    }
  }

  const get = <T>(key: string): Promise<T | undefined> => read<T>(key, "get");

  async function del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await backend.del(keys);
      succeeded();
    } catch (error) {
      fail("del", error);
    }
  }

  /** The JSON and TTL to store; throws for what JSON cannot encode or a bad TTL. */
  function encode<T>(value: T, setOpts: CacheSetOptions): { json: string; ttlMs: number | undefined } {
    const json = JSON.stringify(value);
    // JSON.stringify returns undefined for functions and symbols: nothing storable.
    if (json === undefined) throw new Error(`value of type ${typeof value} is not JSON`);
    return { json, ttlMs: normaliseTtl(setOpts.ttlMs) ?? defaultTtlMs };
  }

  async function set<T>(key: string, value: T, setOpts: CacheSetOptions = {}): Promise<void> {
    if (value === undefined) return del(key);
    try {
      const { json, ttlMs } = encode(value, setOpts);
      await backend.set(key, json, ttlMs, setOpts.tags ?? []);
      succeeded();
    } catch (error) {
      fail("set", error);
    }
  }

  async function invalidateTag(...tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    try {
      await backend.invalidateTags(tags);
      succeeded();
    } catch (error) {
      fail("invalidateTag", error);
    }
  }

  /** The invalidation sequence before a load, or undefined when the backend cannot tell (then no store). */
  async function sequenceNow(): Promise<number | undefined> {
    try {
      const sequence = await backend.sequence();
      succeeded();
      return sequence;
    } catch (error) {
      fail("sequence", error);
      return undefined;
    }
  }

  /**
   * Stores a loaded value unless its key or a tag was invalidated since `since`: the load may have read the
   * database before the writer's commit, and storing it now would undo the writer's invalidation.
   */
  async function storeLoaded<T>(
    key: string,
    value: T,
    since: number,
    setOpts: CacheSetOptions,
  ): Promise<void> {
    if (value === undefined) return;
    try {
      const { json, ttlMs } = encode(value, setOpts);
      await backend.setUnlessInvalidated(key, json, ttlMs, setOpts.tags ?? [], since);
      succeeded();
    } catch (error) {
      fail("set", error);
    }
  }

  /** Loads and stores unless an invalidation of the key or a tag overtook the load. */
  async function loadAndStore<T>(key: string, load: () => Promise<T>, setOpts: CacheSetOptions): Promise<T> {
    // Read before the load starts, so any invalidation the load could have missed is numbered after it.
    const since = await sequenceNow();
    const started = performance.now();
    const endTimer = metrics.loadDuration.startTimer({ cache: namespace });
    const value = await load();
    endTimer();
    // Past the marks' lifetime an invalidation during the load may be forgotten: too old to check, not stored.
    const checkable = performance.now() - started < INVALIDATION_MARK_TTL_MS;
    if (since !== undefined && checkable) await storeLoaded(key, value, since, setOpts);
    return value;
  }

  async function lookUpOrLoad<T>(
    key: string,
    load: () => Promise<T>,
    setOpts: CacheSetOptions = {},
  ): Promise<T> {
    const cached = await get<T>(key);
    if (cached !== undefined) return cached;
    return loadAndStore(key, load, setOpts);
  }

  return {
    kind: backend.kind,
    probe: backend.probe,
    get,
    take: <T>(key: string): Promise<T | undefined> => read<T>(key, "take"),
    set,
    del,
    invalidateTag,
    wrap<T>(key: string, load: () => Promise<T>, setOpts?: CacheSetOptions): Promise<T> {
      const pending = inflight.get(key);
      // Same key, same loader contract: the shared promise resolves to what this caller's load would.
      if (pending !== undefined) return pending as Promise<T>;
      const flight = lookUpOrLoad(key, load, setOpts);
      inflight.set(key, flight);
      const forget = (): void => {
        if (inflight.get(key) === flight) inflight.delete(key);
      };
      flight.then(forget, forget);
      return flight;
    },
    fill: <T>(key: string, load: () => Promise<T>, setOpts: CacheSetOptions = {}): Promise<T> =>
      loadAndStore(key, load, setOpts),
    close: () => backend.close(),
  };
}
