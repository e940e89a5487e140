import { describe, expect, test } from "bun:test";
import { parseWrk, wrkDurationMs } from "./wrk.ts";

// Output of `wrk -t1 -c50 -d8s --latency` as wrk 4.1 prints it.
const SAMPLE = `Running 8s test @ http://127.0.0.1:32887/pay_01
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.94ms    6.74ms  83.85ms   90.68%
    Req/Sec     6.94k     1.93k   11.38k    75.00%
  Latency Distribution
     50%  812.00us
     75%    9.18ms
     90%   13.38ms
     99%    1.02s
  55613 requests in 8.06s, 52.56MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   6904.01
Transfer/sec:      6.52MB
`;

describe("wrk output", () => {
  test("units: us, ms and s become milliseconds; anything else is NaN", () => {
    expect(wrkDurationMs("812.00us")).toBeCloseTo(0.812);
    expect(wrkDurationMs("4.61ms")).toBe(4.61);
    expect(wrkDurationMs("1.02s")).toBe(1020);
    expect(wrkDurationMs("12m")).toBeNaN();
    expect(wrkDurationMs(undefined)).toBeNaN();
  });

  test("requests, rate, percentiles and both kinds of errors", () => {
    const r = parseWrk(SAMPLE);
    expect(r).toMatchObject({ requests: 55613, perSecond: 6904.01, non2xx: 7, socketErrors: 5, p99Ms: 1020 });
    expect(r.p50Ms).toBeCloseTo(0.812);
    expect(r.seconds).toBeCloseTo(8.055, 2);
  });
});
