import { and, asc, eq, inArray, lte } from "drizzle-orm";
import type { LedgerCore } from "../core.ts";
import { postEntry } from "../db/journal.ts";
import { balanceTransactions } from "../db/schema.ts";
import { releaseEntry } from "../domain/entries.ts";

/** Lines released per transaction: a backlog is worked off in bounded transactions. */
const BATCH = 200;

/**
 * Makes funds whose settlement delay has passed available: for each due pending line, a release entry
 * (pending → available) and its status, in one transaction per batch. `SKIP LOCKED` lets two instances work
 * side by side; the entry's source key `release:<txn>` makes a line released twice impossible.
 */
export async function releaseDueFunds(core: LedgerCore): Promise<number> {
  let released = 0;
  for (;;) {
    const now = core.now();
    const count = await core.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(balanceTransactions)
        .where(and(eq(balanceTransactions.status, "pending"), lte(balanceTransactions.availableOn, now)))
        .orderBy(asc(balanceTransactions.availableOn))
        .limit(BATCH)
        .for("update", { skipLocked: true });
      for (const line of due) {
        await postEntry(tx, releaseEntry(line.id, line.vendorId, line.net, line.currency), now);
      }
      if (due.length > 0) {
        await tx
          .update(balanceTransactions)
          .set({ status: "available" })
          .where(
            inArray(
              balanceTransactions.id,
              due.map((d) => d.id),
            ),
          );
      }
      return due.length;
    });
    released += count;
    if (count > 0) core.metrics.entries.inc({ source: "release" }, count);
    if (count < BATCH) return released;
  }
}
