/**
 * The short chaos variant `bun run test` runs (about two minutes): private Postgres, Redis and RabbitMQ,
 * each stopped and restarted under a stream of payments, then a SIGKILL of the platform — and nothing the
 * clients were told was committed may be lost or applied twice. `bun run --cwd e2e chaos` prints the same
 * run as a table; CHAOS_MODE=full makes it longer and harder.
 */
import { describe, expect, it } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readChaosConfig } from "./config.ts";
import { problems, summarize } from "./report.ts";
import { runChaos } from "./scenario.ts";

const logs = join(new URL("..", import.meta.url).pathname, ".logs");

describe("chaos (short)", () => {
  it("loses nothing committed and applies nothing twice while servers fail and the platform is killed", async () => {
    mkdirSync(logs, { recursive: true });
    const report = await runChaos({ ...readChaosConfig(), log: join(logs, "chaos-platform.log") });
    console.log(summarize(report));
    expect(report.verification.confirmed).toBeGreaterThan(20);
    expect(report.verification.lost).toEqual([]);
    expect(report.verification.duplicated).toEqual([]);
    expect(report.verification.doubleTransitions).toEqual([]);
    expect(report.verification.auditDuplicated).toEqual([]);
    // The ledger (docs/adr/0031) journaled every succeeded payment exactly once and reconciles.
    expect(report.verification.ledgerMissing).toEqual([]);
    expect(report.verification.ledgerDuplicated).toEqual([]);
    expect(report.verification.ledgerUnbalanced).toEqual([]);
    expect(problems(report)).toEqual([]);
  }, 900_000);
});
