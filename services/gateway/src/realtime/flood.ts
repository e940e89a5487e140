/** How many frames a client may send: a steady rate with some burst allowance. */
export interface MessageRate {
  perSecond: number;
  burst: number;
}

/** A client only subscribes, unsubscribes and pings: a handful of frames a second is generous. */
export const DEFAULT_MESSAGE_RATE: MessageRate = { perSecond: 10, burst: 30 };

/** Per-socket token bucket state, kept in the socket's `data`. */
export interface Bucket {
  tokens: number;
  at: number;
}

export function fullBucket(rate: MessageRate, now: number): Bucket {
  return { tokens: rate.burst, at: now };
}

/**
 * Takes one token; false when the bucket is empty (the client floods). A few lines of arithmetic per frame,
 * synchronous and per socket — a shared or asynchronous limiter (the HTTP one) would cost more than the
 * frame it guards.
 */
export function takeToken(bucket: Bucket, rate: MessageRate, now: number): boolean {
  bucket.tokens = Math.min(rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
