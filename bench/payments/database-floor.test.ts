import { describe, expect, test } from "bun:test";
import { isCI, realServer } from "@payments/testing";
import { findPgbench, parsePgbench, runDatabaseFloor, withPgbenchParams } from "./database-floor.ts";

describe("withPgbenchParams", () => {
  test("replaces every placeholder by its own value, $10 not read as $1 followed by 0", () => {
    const values = Array.from({ length: 10 }, (_, i) => `:v${i + 1}`);
    expect(withPgbenchParams("SELECT $1, $10::int, $2", values)).toBe("SELECT (:v1), (:v10)::int, (:v2);\n");
  });

  test("refuses a statement with a placeholder it has no value for", () => {
    expect(() => withPgbenchParams("SELECT $1, $3", [":a", ":b"])).toThrow("no value for $3");
  });
});

const TWO_SCRIPTS = `tps = 214.324163 (without initial connection time)
latency average = 93.317 ms
SQL script 1: /tmp/x/payment.sql
 - weight: 100 (targets 99.0% of total)
 - 2098 transactions (98.8% of total, tps = 211.800327)
SQL script 2: /tmp/x/relay.sql
 - weight: 1 (targets 1.0% of total)
 - 25 transactions (1.2% of total, tps = 2.523836)`;

describe("parsePgbench", () => {
  test("reads the overall tps, or one script's when several ran", () => {
    expect(parsePgbench(TWO_SCRIPTS)).toEqual({ tps: 214.324163, latencyAvgMs: 93.317 });
    expect(parsePgbench(TWO_SCRIPTS, 2).tps).toBe(2.523836);
    expect(parsePgbench(TWO_SCRIPTS, 1).tps).toBe(211.800327);
  });

  test("throws on output it cannot read instead of reporting zero", () => {
    expect(() => parsePgbench("pgbench: error: connection refused")).toThrow("unreadable pgbench output");
  });
});

// The floor replays the service's own statements: one short run proves they still execute as pgbench
// scripts (a parameter added to a statement, or a changed table, fails here rather than in a bench run).
const postgres = realServer("postgres");
const pgbench = findPgbench();
// Under CI a missing pgbench fails here (spawning "pgbench" fails) instead of skipping.
describe.if(postgres !== undefined && (pgbench !== undefined || isCI))(
  "runDatabaseFloor on real Postgres",
  () => {
    test("creates and whole payments run without errors", async () => {
      const rows = await runDatabaseFloor(pgbench ?? "pgbench", { connections: 2, seconds: 1 });
      expect(rows.map((r) => r.scenario)).toEqual([
        "database floor: create statement (pgbench)",
        "database floor: whole payment, 2 durable commits + relay (pgbench)",
        "database floor: whole payment, 3 durable commits as before ADR 0027 (pgbench)",
      ]);
      for (const row of rows) expect(row.perSecond).toBeGreaterThan(0);
    }, 60_000);
  },
);
