/**
 * The payments benchmark's rows: built from what the load generator reported, printed as one table
 * (closed-loop and fixed-rate rows side by side, a column saying which) and turned into chart figures.
 */
import { atLeast, atMost, chartOf, type Figure } from "../lib/figures.ts";
import { summarize } from "../lib/stats.ts";
import { textTable } from "../lib/text-table.ts";
import type { LoadResult } from "./load.ts";

/** Issue 5's targets at 50 connections. */
export const TARGETS = { createsPerSecond: 2_000, createP99Ms: 25, readP99Ms: 5 } as const;

/** One line of the result table; times in ms. */
export interface BenchRow {
  scenario: string;
  /** The fixed rate offered (open loop), requests/s; undefined for the closed loop. */
  offeredPerSecond: number | undefined;
  connections: number;
  requests: number;
  errors: number;
  /** Open loop: requests due in the run that were never sent, their connection still busy at its end. */
  unsent: number;
  /** Achieved: answers per second. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * p99 from sending to answer. The same as p99 in the closed loop; in the open loop, what a client that
   * ignores the schedule would report (the difference is queueing the closed loop hides).
   */
  p99SentMs: number;
  /** Open loop: p99 of how late this client sent requests whose connection was idle (NaN in the closed loop). */
  p99StartLagMs: number;
  /** CPU of the service process (HTTP, worker, relay) per request. */
  serviceCpuMs: number;
  /** CPU of the load generator per request. */
  loadCpuMs: number;
}

/** NaN (an empty summary) comes back from the load process's JSON as null: both become NaN here. */
const round = (ms: number, digits: number) => (Number.isFinite(ms) ? Number(ms.toFixed(digits)) : Number.NaN);

/** A row from one load run and the CPU the service used meanwhile. */
export function rowOf(
  scenario: string,
  connections: number,
  offeredPerSecond: number | undefined,
  result: LoadResult,
  serviceCpuMs: number,
): BenchRow {
  const perRequest = (ms: number) => round(ms / Math.max(1, result.requests), 3);
  const latency = summarize(result.latencies);
  return {
    scenario,
    offeredPerSecond,
    connections,
    requests: result.requests,
    errors: result.errors,
    unsent: result.unsent,
    perSecond: Math.round((result.requests / result.elapsedMs) * 1000),
    p50Ms: round(latency.p50, 2),
    p99Ms: round(latency.p99, 2),
    maxMs: round(latency.max, 2),
    p99SentMs: round(result.serviceTime.p99, 2),
    p99StartLagMs: round(result.startLag.p99, 2),
    serviceCpuMs: perRequest(serviceCpuMs),
    loadCpuMs: perRequest(result.cpuMs),
  };
}

/** "closed" or "2,000/s". */
export const loadOf = (r: BenchRow): string =>
  r.offeredPerSecond === undefined ? "closed" : `${r.offeredPerSecond.toLocaleString("en")}/s`;

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "-");

/** The rows as a plain-text table. */
export function formatTable(rows: BenchRow[]): string {
  const header = [
    "scenario",
    "load",
    "conns",
    "requests",
    "errors",
    "unsent",
    "req/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "p99 from send",
    "p99 send lag",
    "svc CPU ms/req",
    "load CPU ms/req",
  ];
  const lines = rows.map((r) => [
    r.scenario,
    loadOf(r),
    String(r.connections),
    String(r.requests),
    String(r.errors),
    String(r.unsent),
    String(r.perSecond),
    ms(r.p50Ms),
    ms(r.p99Ms),
    ms(r.maxMs),
    ms(r.p99SentMs),
    ms(r.p99StartLagMs),
    r.serviceCpuMs.toFixed(3),
    r.loadCpuMs.toFixed(3),
  ]);
  return textTable(header, lines, "numbers-right");
}

/**
 * The rows as chart figures: achieved (and offered) rates on one chart; latencies on three (closed loop,
 * fixed rates the service kept up with, fixed rates it did not), since the seconds an overloaded row queues
 * for would flatten everyone else's milliseconds on a shared axis.
 */
export function figuresOf(rows: BenchRow[]): Figure[] {
  const rate = chartOf("requests/s, 50 connections", "req/s");
  const closed = chartOf("latency, closed loop, 50 connections", "ms");
  const keptUp = chartOf("latency from the intended start, fixed rate kept up, 50 connections", "ms");
  const behind = chartOf("latency from the intended start, fixed rate not kept up, 50 connections", "ms");
  return rows.flatMap((r) => {
    const create = r.scenario.startsWith("create");
    const label = `${r.scenario}, ${loadOf(r)}`;
    // A rate below the target cannot meet the throughput target; its latency is still held to the bound.
    const rateTarget =
      create && (r.offeredPerSecond ?? Number.POSITIVE_INFINITY) >= TARGETS.createsPerSecond
        ? atLeast(TARGETS.createsPerSecond)
        : undefined;
    const p99Target = atMost(create ? TARGETS.createP99Ms : TARGETS.readP99Ms);
    const latency = r.offeredPerSecond === undefined ? closed : r.unsent > 0 ? behind : keptUp;
    return [
      ...(r.offeredPerSecond === undefined ? [] : [rate(label, "offered", r.offeredPerSecond)]),
      rate(label, "achieved", r.perSecond, rateTarget),
      latency(label, "p50", r.p50Ms),
      latency(label, "p99", r.p99Ms, p99Target),
    ];
  });
}
