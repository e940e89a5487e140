import { describe, expect, test } from "bun:test";
import { type Clock, intendedStartMs, runLoop } from "./load-loop.ts";
import { percentile, summarize } from "./stats.ts";

/**
 * A clock that only moves when every loop is waiting on it: it then jumps to the earliest sleeper. Runs are
 * deterministic and take no real time, so a 200 ms stall is exactly 200 ms.
 */
class VirtualClock implements Clock {
  private t = 0;
  private sleepers: Array<{ at: number; wake: () => void }> = [];

  /** `truncate`: sleep whole milliseconds only, dropping the fraction, as Bun.sleep does. */
  constructor(private readonly truncate = false) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    const slept = this.truncate ? Math.trunc(ms) : ms;
    return new Promise((wake) => this.sleepers.push({ at: this.t + Math.max(0, slept), wake }));
  }

  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    void work.finally(() => {
      done = true;
    });
    for (;;) {
      // Let every loop run until it waits on the clock again.
      await new Promise((resolve) => setImmediate(resolve));
      if (done) return work;
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers.shift();
      if (!next) throw new Error("nothing to wake: the loops wait on something other than the clock");
      this.t = next.at;
      next.wake();
    }
  }
}

/** A server answering in `serviceMs`, except that it is frozen from `stall[0]` until `stall[1]`. */
function fakeServer(clock: VirtualClock, serviceMs: number, stall?: [number, number]) {
  const sends: Array<{ connection: number; index: number; at: number }> = [];
  const send = async (connection: number, index: number) => {
    const at = clock.now();
    sends.push({ connection, index, at });
    const frozen = stall && at + serviceMs > stall[0] && at < stall[1];
    await clock.sleep(frozen ? stall[1] - at + serviceMs : serviceMs);
    return true;
  };
  return { send, sends };
}

describe("percentile", () => {
  test("nearest rank", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([1, 2, 3])).toEqual({ p50: 2, p99: 3, max: 3 });
  });
});

describe("open loop", () => {
  test("requests are due evenly spaced, dealt round-robin to the connections", async () => {
    expect([0, 1, 2, 3].map((k) => intendedStartMs(k, 2000))).toEqual([0, 0.5, 1, 1.5]);
    const clock = new VirtualClock();
    const server = fakeServer(clock, 1);
    const r = await clock.run(
      runLoop({ connections: 3, durationMs: 1000, ratePerSecond: 100, send: server.send, clock }),
    );
    expect(server.sends).toHaveLength(100);
    const sorted = [...server.sends].sort((a, b) => a.index - b.index);
    expect(sorted.map((s) => s.at)).toEqual(Array.from({ length: 100 }, (_, k) => k * 10));
    for (const s of sorted) expect(s.connection).toBe(s.index % 3);
    expect(r).toMatchObject({ requests: 100, errors: 0, unsent: 0 });
    expect(summarize(r.latencies)).toEqual({ p50: 1, p99: 1, max: 1 });
    expect(r.elapsedMs).toBe(991);
    expect(summarize(r.startLags).max).toBe(0);
  });

  test("no request goes out before it is due, though sleeps drop fractions of a millisecond", async () => {
    const clock = new VirtualClock(true);
    const server = fakeServer(clock, 1);
    const r = await clock.run(
      runLoop({ connections: 10, durationMs: 100, ratePerSecond: 3000, send: server.send, clock }),
    );
    expect(server.sends).toHaveLength(300);
    for (const s of server.sends) expect(s.at).toBeGreaterThanOrEqual(intendedStartMs(s.index, 3000));
    expect(r.latencies[0]).toBeGreaterThanOrEqual(1);
    expect(summarize(r.startLags).max).toBeLessThan(1);
  });

  test("a 200 ms stall shows in the p99 of the requests due during it, not only of those it caught", async () => {
    const clock = new VirtualClock();
    const server = fakeServer(clock, 1, [500, 700]);
    const r = await clock.run(
      runLoop({ connections: 2, durationMs: 2000, ratePerSecond: 100, send: server.send, clock }),
    );
    expect(r.requests).toBe(200);
    // Only the two requests in flight when it froze took long from sending to answer: an uncorrected p99
    // (and the closed loop below) would not see the stall at all.
    expect(r.serviceTimes.filter((t) => t > 1)).toHaveLength(2);
    expect(percentile(r.serviceTimes, 99)).toBe(1);
    // Counted from when they were due, the 20 requests due during the stall waited up to 201 ms (and one
    // more, due while its connection was still working off that backlog).
    expect(r.latencies.filter((t) => t > 1)).toHaveLength(21);
    expect(percentile(r.latencies, 99)).toBeGreaterThanOrEqual(180);
    expect(summarize(r.latencies).max).toBe(201);
    // Once free, each connection sends its late requests back to back, then catches up with the schedule.
    const late = server.sends.filter((s) => s.at === 701 || s.at === 702);
    expect(late.length).toBeGreaterThan(2);
    expect(server.sends.find((s) => s.index === 150)?.at).toBe(1500);
  });

  test("the closed loop hides the same stall (coordinated omission)", async () => {
    const clock = new VirtualClock();
    const server = fakeServer(clock, 1, [500, 700]);
    const r = await clock.run(runLoop({ connections: 2, durationMs: 2000, send: server.send, clock }));
    expect(r.unsent).toBe(0);
    expect(summarize(r.latencies)).toMatchObject({ p50: 1, p99: 1, max: 201 });
  });

  test("a server slower than the offered rate: latency grows, the rest is reported unsent", async () => {
    const clock = new VirtualClock();
    // One connection, 100 due per second, 20 ms each: it can answer 50/s.
    const server = fakeServer(clock, 20);
    const r = await clock.run(
      runLoop({ connections: 1, durationMs: 1000, ratePerSecond: 100, send: server.send, clock }),
    );
    expect(r.requests).toBe(50);
    expect(r.unsent).toBe(50);
    expect((r.requests / r.elapsedMs) * 1000).toBe(50);
    // Request k went out at 20k ms though due at 10k ms: answered ones waited 10k + 20 ms.
    const answered = server.sends.map((s) => s.index * 10 + 20);
    for (const wait of answered) expect(r.latencies).toContain(wait);
    // The unsent ones count with what they had waited at the deadline (1000 ms): 500 ms down to 10 ms.
    expect(summarize(r.latencies)).toEqual({ p50: 260, p99: 500, max: 510 });
  });

  test("bad answers count as errors with a latency, missing answers as errors without", async () => {
    const clock = new VirtualClock();
    const send = async (_c: number, index: number) => {
      await clock.sleep(1);
      if (index % 10 === 0) throw new Error("connection reset");
      return index % 10 !== 1;
    };
    const r = await clock.run(runLoop({ connections: 2, durationMs: 100, ratePerSecond: 100, send, clock }));
    expect(r).toMatchObject({ requests: 9, errors: 2, unsent: 0 });
    expect(r.latencies).toHaveLength(9);
  });
});
