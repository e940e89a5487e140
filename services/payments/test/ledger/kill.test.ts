import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { newId } from "@payments/contracts";
import { isCI } from "@payments/testing";
import { count, eq } from "drizzle-orm";
import { applyLedgerEvent } from "../../src/ledger/actions/apply.ts";
import { checkLedger } from "../../src/ledger/actions/check.ts";
import { entries, postings } from "../../src/ledger/db/schema.ts";
import { openTestDb, postgresUrl } from "../support.ts";
import { paymentSucceeded, testLedger } from "./support.ts";

/**
 * The consumer killed mid-batch (issue 22): a consumer process journals a batch of events and is killed with
 * SIGKILL part-way; no entry is left partial (every entry has its three postings, every balance equals its
 * postings), and redelivering the whole batch applies each event exactly once. Needs a Postgres the two
 * processes share (PGlite is in-process): required under CI, not run without POSTGRES_URL elsewhere.
 */
if (!postgresUrl && isCI) throw new Error("CI=true but POSTGRES_URL is not set; the kill test must run");

describe.if(Boolean(postgresUrl))("ledger consumer killed mid-batch (postgres)", () => {
  it("leaves no partial entry, and the redelivery applies each event once", async () => {
    const { db, url, close } = await openTestDb(4);
    try {
      const vendors = Array.from({ length: 5 }, () => newId("usr"));
      const batch = Array.from({ length: 400 }, (_, i) =>
        paymentSucceeded({
          payerId: newId("usr"),
          payeeId: vendors[i % vendors.length] ?? newId("usr"),
          amount: 1_000 + i,
          currency: "usd",
        }),
      );
      const file = join(process.env.TMPDIR ?? "/tmp", `ledger-kill-${crypto.randomUUID()}.jsonl`);
      await Bun.write(file, batch.map((b) => JSON.stringify(b.event)).join("\n"));
      const child = Bun.spawn(["bun", join(import.meta.dir, "kill-consumer.ts"), url ?? "", file], {
        stdout: "pipe",
        stderr: "inherit",
      });
      // Kill it once it is well into the batch, while it is busy with the next transaction.
      const reader = child.stdout.getReader();
      let seen = "";
      while (!/\b(\d{2,})\n$/.test(seen) || Number(seen.trim().split("\n").at(-1)) < 60) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      child.kill("SIGKILL");
      await child.exited;
      const applied = (await db.select({ n: count() }).from(entries))[0]?.n ?? 0;
      expect(applied).toBeGreaterThanOrEqual(60);
      expect(applied).toBeLessThan(batch.length);

      // Every entry that exists is whole: three postings each (customer, vendor pending, fee).
      const perEntry = await db
        .select({ entryId: postings.entryId, n: count() })
        .from(postings)
        .groupBy(postings.entryId);
      expect(perEntry.length).toBe(applied);
      expect(perEntry.every((e) => e.n === 3)).toBe(true);
      const ledger = testLedger(db);
      expect((await checkLedger(ledger)).problems).toEqual([]);

      // The broker redelivers everything unacknowledged (here: the whole batch): each applies once.
      const outcomes = { applied: 0, duplicate: 0 };
      for (const { event } of batch) {
        const outcome = await applyLedgerEvent(ledger, event);
        if (outcome === "applied" || outcome === "duplicate") outcomes[outcome]++;
      }
      expect(outcomes).toEqual({ applied: batch.length - applied, duplicate: applied });
      expect((await db.select({ n: count() }).from(entries))[0]?.n).toBe(batch.length);
      for (const { payment } of batch.slice(0, 20)) {
        const rows = await db
          .select({ id: entries.id })
          .from(entries)
          .where(eq(entries.sourceId, payment.id));
        expect(rows).toHaveLength(1);
      }
      expect((await checkLedger(ledger)).problems).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);
});
