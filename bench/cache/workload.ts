/**
 * The read workload of bench/cache, as pure pieces: a Zipf sampler (a few hot items, a long tail, as real
 * traffic is), the mix of operations, and the hit ratio computed from the services' own cache counters
 * (`cache_requests_total{cache,result}` of @payments/cache, `payments_cache_lookups_total{resource,result}`).
 */
import type { ExpositionFamily } from "@payments/service-kit/testing";

/** A small seeded generator (mulberry32): the same run draws the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Draws ranks 0…n-1 with probability ∝ 1/(rank+1)^s. */
export function zipf(n: number, s: number, random: () => number): () => number {
  if (n < 1) throw new Error("zipf: nothing to draw from");
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cumulative.push(sum);
  }
  return () => {
    const target = random() * sum;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] ?? sum) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

/** What one step of the workload does. */
export type Operation = "detail" | "list" | "profile" | "create";

/** Shares of the operations (they need not sum to 1). */
export type Mix = Record<Operation, number>;

/** Reads dominate, as on a payments dashboard; a few creates keep lists changing (each invalidates two). */
export const DEFAULT_MIX: Mix = { detail: 0.6, list: 0.3, profile: 0.08, create: 0.02 };

/** Picks an operation by its share. */
export function pickOperation(mix: Mix, random: () => number): Operation {
  const entries = Object.entries(mix) as Array<[Operation, number]>;
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  let at = random() * total;
  for (const [operation, share] of entries) {
    at -= share;
    if (at < 0) return operation;
  }
  return entries[entries.length - 1]?.[0] ?? "detail";
}

/** Hits and lookups under one key (a cache namespace, or a payments resource). */
export interface HitCount {
  key: string;
  hits: number;
  lookups: number;
}

/** Sums a counter's samples by one label, for the samples whose `result` is hit, miss (and error). */
export function countsBy(
  families: readonly ExpositionFamily[],
  metric: string,
  label: string,
): Map<string, HitCount> {
  const counts = new Map<string, HitCount>();
  const family = families.find((f) => f.name === metric);
  for (const sample of family?.samples ?? []) {
    const key = sample.labels[label];
    const result = sample.labels.result;
    if (key === undefined || result === undefined) continue;
    const count = counts.get(key) ?? { key, hits: 0, lookups: 0 };
    count.lookups += sample.value;
    if (result === "hit") count.hits += sample.value;
    counts.set(key, count);
  }
  return counts;
}

/** What happened between two scrapes: `after - before`, per key, keys with lookups only. */
export function delta(before: Map<string, HitCount>, after: Map<string, HitCount>): HitCount[] {
  return [...after.values()]
    .map((now) => {
      const then = before.get(now.key);
      return {
        key: now.key,
        hits: now.hits - (then?.hits ?? 0),
        lookups: now.lookups - (then?.lookups ?? 0),
      };
    })
    .filter((count) => count.lookups > 0)
    .sort((a, b) => b.lookups - a.lookups);
}

/** hits / lookups, 0 without lookups. */
export function ratio(count: Pick<HitCount, "hits" | "lookups">): number {
  return count.lookups === 0 ? 0 : count.hits / count.lookups;
}
