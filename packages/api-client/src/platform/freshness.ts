import type { Timers } from "../session/index.ts";

/** What a read must show of a payment to be as new as its events: its id and when it last changed. */
export interface Versioned {
  id: string;
  updated_at: string;
}

/**
 * An event and the read it triggers travel different roads. After a commit the payments service wakes its
 * outbox relay and invalidates the payment's cached views, and nothing orders the two: the relay may run
 * sooner (its poll, another commit's wake, another replica's relay), so the browser can hear
 * `payment.succeeded` and then read the cached `processing` view (docs/adr/0049). Nothing else would come to
 * correct it: the page would show the old status until the next event or the cache's TTL. So the browser
 * remembers the `updated_at` each payment event announced, and a read that returns an older copy of such a
 * payment is made again after a short wait.
 */
export interface Freshness {
  /** Records what a payment event announced (a later `updated_at` replaces an earlier one). */
  announce(payment: Versioned): void;
  /** Resolves with `read()`'s answer once none of `versions(answer)` is older than announced, or retries run out. */
  read<T>(read: () => Promise<T>, versions: (answer: T) => readonly Versioned[]): Promise<T>;
  /** Forgets everything (another user signs in). */
  clear(): void;
}

/**
 * Waits before each read again: the invalidation the read raced is a cache round trip away, so the first
 * wait is short; the last ones cover a busy cache. ~3 s in all, then the answer is shown as it is.
 */
export const REREAD_DELAYS_MS = [50, 100, 200, 400, 800, 1_600] as const;

/** Payments remembered: the ones whose events arrived lately, as the real-time client's recent events. */
const REMEMBERED = 500;

export function createFreshness(timers: Timers): Freshness {
  const announced = new Map<string, number>();
  const olderThanAnnounced = (payment: Versioned): boolean => {
    const floor = announced.get(payment.id);
    return floor !== undefined && Date.parse(payment.updated_at) < floor;
  };
  const wait = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
  return {
    announce(payment) {
      const at = Date.parse(payment.updated_at);
      if (Number.isNaN(at) || (announced.get(payment.id) ?? -Infinity) >= at) return;
      announced.delete(payment.id); // re-inserted last: the map's order is the order of the latest events
      announced.set(payment.id, at);
      if (announced.size > REMEMBERED) {
        const oldest = announced.keys().next();
        if (!oldest.done) announced.delete(oldest.value);
      }
    },
    async read(read, versions) {
      let answer = await read();
      for (const ms of REREAD_DELAYS_MS) {
        if (!versions(answer).some(olderThanAnnounced)) break;
        await wait(ms);
        answer = await read();
      }
      return answer;
    },
    clear() {
      announced.clear();
    },
  };
}
