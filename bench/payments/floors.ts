/**
 * The payments benchmark's floors, measured in the same run as the service: what the database alone does
 * with the service's SQL (`database-floor.ts`, pgbench) and what a bare server does for a cached read
 * (`read-floor.ts`: under wrk like the service's wrk row, and at the service's fixed read rates from the
 * same JS open-loop client, which shows what that client and the machine alone add to the tail). Each is
 * printed next to the service's figure as a ratio; a floor below a target shows the target is beyond this
 * machine, not only beyond the code.
 */
import { atLeast, atMost, chartOf, type Figure } from "../lib/figures.ts";
import { textTable } from "../lib/text-table.ts";
import { hasWrk, runWrk } from "../lib/wrk.ts";
import { findPgbench, runDatabaseFloor } from "./database-floor.ts";
import { startReadFloor } from "./read-floor.ts";
import { type BenchRow, loadOf, TARGETS } from "./table.ts";

/** One floor, and the service figure it bounds. */
export interface FloorRow {
  floor: string;
  /** What the floor sustained per second. */
  perSecond: number;
  /** Its p99 where one is measured (wrk, or the open loop from the intended start), ms. */
  p99Ms: number | undefined;
  /** The service row it is compared with. */
  service: Pick<BenchRow, "scenario" | "perSecond" | "p99Ms">;
  /** The target on the floor's own figure, if issue 5 has one. */
  target: string;
}

/** What the floors need beyond the service: a Postgres URL, pgbench, wrk. */
export interface FloorInputs {
  postgres: boolean;
  redisUrl: string | undefined;
  /** The pool size the service runs with (pgbench's connection count). */
  poolSize: number;
  connections: number;
  seconds: number;
  /** The cached payment's JSON, as the service answers it. */
  payment: string;
  createClosed: BenchRow;
  /** The service's creates at a fixed rate it sustains: the floors run at that rate too, for their p99. */
  createFixed: BenchRow | undefined;
  readWrk: BenchRow | undefined;
  /** The service's fixed-rate read rows, each with a way to offer the floor server the same load. */
  readsAtFixedRate: { service: BenchRow; againstFloor: (url: string) => Promise<BenchRow> }[];
}

/** Runs what can run here; says in `missing` what could not and why. */
export async function runFloors(inputs: FloorInputs): Promise<{ rows: FloorRow[]; missing: string[] }> {
  const rows: FloorRow[] = [];
  const missing: string[] = [];
  const pgbench = findPgbench();
  if (!inputs.postgres) missing.push("database floor: needs POSTGRES_URL");
  else if (!pgbench)
    missing.push("database floor: pgbench not installed (apt-get install postgresql-client)");
  else {
    const [creates, payments, before, ...atRate] = await runDatabaseFloor(pgbench, {
      connections: inputs.poolSize,
      seconds: inputs.seconds,
      rate: inputs.createFixed?.offeredPerSecond,
    });
    const service = inputs.createClosed;
    if (creates)
      rows.push({
        floor: creates.scenario,
        perSecond: creates.perSecond,
        p99Ms: undefined,
        service,
        target: "",
      });
    if (payments) {
      rows.push({
        floor: payments.scenario,
        perSecond: payments.perSecond,
        p99Ms: undefined,
        service,
        target: `≥ ${TARGETS.createsPerSecond.toLocaleString("en")}/s (creates, settled)`,
      });
    }
    if (before) {
      rows.push({
        floor: before.scenario,
        perSecond: before.perSecond,
        p99Ms: undefined,
        service,
        target: "",
      });
    }
    // The same offered rate for the database alone: what its own tail is at the load the service answered.
    const fixed = inputs.createFixed;
    for (const floorAtRate of fixed ? atRate : []) {
      if (!fixed) break;
      rows.push({
        floor: floorAtRate.scenario,
        perSecond: floorAtRate.perSecond,
        p99Ms: floorAtRate.p99Ms,
        service: fixed,
        target: `p99 ≤ ${TARGETS.createP99Ms} ms (creates)`,
      });
    }
  }
  const floor = await startReadFloor(inputs.redisUrl, inputs.payment);
  const what = `Bun.serve + one ${inputs.redisUrl ? "Redis GET" : "Map lookup"}`;
  try {
    if (!hasWrk() || !inputs.readWrk)
      missing.push("read floor under wrk: wrk not installed (apt-get install wrk)");
    else {
      const run = (seconds: number) => runWrk({ url: floor.url, connections: inputs.connections, seconds });
      await run(2);
      const result = await run(inputs.seconds);
      rows.push({
        floor: `read floor: ${what} (wrk)`,
        perSecond: Math.round(result.perSecond),
        p99Ms: Number(result.p99Ms.toFixed(2)),
        service: inputs.readWrk,
        target: `p99 ≤ ${TARGETS.readP99Ms} ms`,
      });
    }
    // The same fixed rates from the same JS client: what the client and the machine alone add to the tail.
    for (const { service, againstFloor } of inputs.readsAtFixedRate) {
      const row = await againstFloor(floor.url);
      rows.push({
        floor: `read floor: ${what} (open loop, ${loadOf(row)})`,
        perSecond: row.perSecond,
        p99Ms: row.p99Ms,
        service,
        target: `p99 ≤ ${TARGETS.readP99Ms} ms`,
      });
    }
  } finally {
    await floor.close();
  }
  return { rows, missing };
}

/** The floors as a table: floor, service, service ÷ floor. */
export function formatFloors(rows: FloorRow[]): string {
  const header = [
    "floor",
    "floor/s",
    "floor p99",
    "service row",
    "service/s",
    "service p99",
    "service ÷ floor",
    "target",
  ];
  const lines = rows.map((r) => [
    r.floor,
    String(r.perSecond),
    r.p99Ms === undefined ? "-" : `${r.p99Ms.toFixed(2)} ms`,
    r.service.scenario,
    String(r.service.perSecond),
    `${r.service.p99Ms.toFixed(2)} ms`,
    (r.service.perSecond / Math.max(1, r.perSecond)).toFixed(2),
    r.target,
  ]);
  return textTable(header, lines);
}

/** One chart: each floor beside the service figure it bounds, with the target where there is one. */
export function floorFigures(rows: FloorRow[]): Figure[] {
  const perSecond = chartOf("service vs this machine's floor, per second", "/s");
  const latency = chartOf("cached read p99, service vs floor (50 connections)", "ms");
  const createLatency = chartOf("create p99 at a fixed rate, service vs database floor", "ms");
  return rows.flatMap((r) => {
    if (r.floor.startsWith("database floor") && r.p99Ms !== undefined) {
      // At a fixed rate both achieve the rate: only the latencies say anything.
      return [
        createLatency(r.floor, "floor", r.p99Ms, atMost(TARGETS.createP99Ms)),
        createLatency(r.floor, "service", r.service.p99Ms, atMost(TARGETS.createP99Ms)),
      ];
    }
    const settled = r.floor.includes("whole payment");
    const figures = [
      perSecond(r.floor, "floor", r.perSecond, settled ? atLeast(TARGETS.createsPerSecond) : undefined),
      perSecond(r.floor, "service", r.service.perSecond),
    ];
    if (r.p99Ms !== undefined) {
      figures.push(latency(r.floor, "floor", r.p99Ms, atMost(TARGETS.readP99Ms)));
      figures.push(latency(r.floor, "service", r.service.p99Ms, atMost(TARGETS.readP99Ms)));
    }
    return figures;
  });
}
