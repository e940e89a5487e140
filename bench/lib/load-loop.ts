/**
 * The request loops of an HTTP load generator, apart from HTTP so they can be tested on a virtual clock.
 *
 * Closed loop: each connection sends its next request as soon as the previous one is answered. Latency is
 * then bound to throughput (connections ÷ rate, Little's law), and a server stall delays only the requests
 * in flight: the ones that would have been sent meanwhile are simply not sent (coordinated omission).
 *
 * Open loop (`ratePerSecond`): request k is due at k / rate after the start and goes to connection
 * k mod connections, as in wrk2. A connection still busy when its next request is due sends it as soon as it
 * is free, and latency counts from when the request was due, not from when it went out, so a stall or a
 * server slower than the offered rate shows as latency that grows instead of vanishing from the figures.
 */

/** Time source and sleep; injectable so the loops can run on a virtual clock in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** `performance.now()` and `Bun.sleep`. */
export const realClock: Clock = { now: () => performance.now(), sleep: (ms) => Bun.sleep(ms) };

/** Options of {@link runLoop}. */
export interface LoopOptions {
  connections: number;
  /** No request starts after this; the ones in flight are awaited. */
  durationMs: number;
  /** Open loop at this many requests per second over all connections; closed loop when undefined. */
  ratePerSecond?: number | undefined;
  /**
   * Sends request `index` on `connection` (open loop: its place in the schedule; closed: its count on that
   * connection). Resolves true for a good answer, false for a bad one; throws when no answer came.
   */
  send: (connection: number, index: number) => Promise<boolean>;
  clock?: Clock;
}

/** What {@link runLoop} measured; times in ms. */
export interface LoopResult {
  /** Requests answered, good or bad. */
  requests: number;
  /** Bad answers plus requests that got no answer. */
  errors: number;
  /** Open loop: requests due before the deadline that were never sent because their connection was busy. */
  unsent: number;
  /** From the start until the last answer. */
  elapsedMs: number;
  /**
   * Ascending. Open loop: from when each request was due to its answer, plus, for each unsent request, how
   * long it had waited when the loop stopped (a lower bound: leaving them out would flatter an overloaded
   * server). Closed loop: from sending to the answer.
   */
  latencies: number[];
  /** Ascending, from sending to the answer: what a client that ignores the schedule would report. */
  serviceTimes: number[];
  /**
   * Open loop, ascending: how late requests whose connection was idle went out, i.e. the load generator's own
   * timer and event-loop delay, which the latencies include. Large values mean the client, not the server,
   * is falling behind.
   */
  startLags: number[];
}

/** When request `index` (0-based, over all connections) is due at `ratePerSecond`, in ms after the start. */
export const intendedStartMs = (index: number, ratePerSecond: number): number =>
  (index * 1000) / ratePerSecond;

/** Runs `connections` request loops, closed or open (see the file comment), for `durationMs`. */
export async function runLoop(opts: LoopOptions): Promise<LoopResult> {
  const clock = opts.clock ?? realClock;
  const { connections, ratePerSecond } = opts;
  if (ratePerSecond !== undefined && !(ratePerSecond > 0)) throw new Error("ratePerSecond must be positive");
  const latencies: number[] = [];
  const serviceTimes: number[] = [];
  const startLags: number[] = [];
  let errors = 0;
  let unsent = 0;
  const started = clock.now();
  const deadline = started + opts.durationMs;

  const attempt = async (connection: number, index: number, due: number) => {
    const sent = clock.now();
    try {
      const ok = await opts.send(connection, index);
      const answered = clock.now();
      latencies.push(answered - due);
      serviceTimes.push(answered - sent);
      if (!ok) errors++;
    } catch {
      errors++;
    }
  };

  const closed = async (connection: number) => {
    for (let i = 0; clock.now() < deadline; i++) await attempt(connection, i, clock.now());
  };

  const open = async (connection: number, rate: number) => {
    for (let k = connection; ; k += connections) {
      const due = started + intendedStartMs(k, rate);
      if (due >= deadline) return;
      const now = clock.now();
      if (now >= deadline) {
        // Still busy at the deadline: this and the rest of its due requests were never sent.
        for (let late = k; started + intendedStartMs(late, rate) < deadline; late += connections) {
          unsent++;
          latencies.push(now - (started + intendedStartMs(late, rate)));
        }
        return;
      }
      if (due > now) {
        // Rounded up: Bun.sleep drops the fraction of a millisecond, which would send early.
        await clock.sleep(Math.ceil(due - now));
        startLags.push(clock.now() - due);
      }
      await attempt(connection, k, due);
    }
  };

  await Promise.all(
    Array.from({ length: connections }, (_, c) =>
      ratePerSecond === undefined ? closed(c) : open(c, ratePerSecond),
    ),
  );
  const elapsedMs = clock.now() - started;
  latencies.sort((a, b) => a - b);
  serviceTimes.sort((a, b) => a - b);
  startLags.sort((a, b) => a - b);
  return { requests: serviceTimes.length, errors, unsent, elapsedMs, latencies, serviceTimes, startLags };
}
