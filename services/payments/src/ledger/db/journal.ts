import { type Id, newId } from "@payments/contracts";
import { eq, sql } from "drizzle-orm";
import type { PaymentsDb } from "../../core.ts";
import { accountId, draftProblem, type EntryDraft } from "../domain/entries.ts";
import { accounts, entries, postings } from "./schema.ts";

/** A draft that breaks the ledger's invariants: a bug, never retried into the journal. */
export class UnbalancedEntryError extends Error {}

/** Options of {@link postEntry}. */
export interface PostOptions {
  /**
   * Writes that belong to the entry (its balance line, a payout row's state), run after the postings and
   * before the balances are added: the accounts' rows are then locked only for the last statement and the
   * commit. The platform's fee account is in every payment's entry: the shorter its lock, the more entries
   * per second the ledger takes (bench/ledger).
   */
  beforeBalances?: (entryId: Id<"le">) => Promise<void>;
}

/**
 * Writes one journal entry with its postings and adds them to the accounts' balances, inside the caller's
 * transaction. Returns the entry id, or undefined when an entry with the same source key exists (a redelivery:
 * nothing is written). The database checks again at commit that the entry sums to zero.
 */
export async function postEntry(
  tx: PaymentsDb,
  draft: EntryDraft,
  now: Date,
  opts: PostOptions = {},
): Promise<Id<"le"> | undefined> {
  const problem = draftProblem(draft);
  if (problem) throw new UnbalancedEntryError(`${draft.sourceKey}: ${problem}`);
  const [entry] = await tx
    .insert(entries)
    .values({
      id: newId("le"),
      sourceKey: draft.sourceKey,
      sourceType: draft.sourceType,
      sourceId: draft.sourceId,
      currency: draft.currency,
      createdAt: now,
    })
    .onConflictDoNothing({ target: entries.sourceKey })
    .returning({ id: entries.id });
  if (!entry) return undefined;
  if (draft.postings.length === 0) {
    await opts.beforeBalances?.(entry.id);
    return entry.id;
  }
  // Accounts in id order: two entries touching the same accounts lock them in the same order (no deadlock).
  const lines = [...draft.postings].sort((a, b) => accountId(a.account).localeCompare(accountId(b.account)));
  const rows = lines.map((p) => ({
    id: accountId(p.account),
    ownerType: p.account.ownerType,
    ownerId: p.account.ownerId,
    kind: p.account.kind,
    currency: p.account.currency,
    balance: p.amount,
    updatedAt: now,
  }));
  // Opened at 0 when new; an existing account is neither changed nor locked here.
  await tx
    .insert(accounts)
    .values(rows.map((r) => ({ ...r, balance: 0 })))
    .onConflictDoNothing({ target: accounts.id });
  await tx.insert(postings).values(
    lines.map((p) => ({
      entryId: entry.id,
      accountId: accountId(p.account),
      currency: draft.currency,
      amount: p.amount,
    })),
  );
  await opts.beforeBalances?.(entry.id);
  await tx
    .insert(accounts)
    .values(rows)
    .onConflictDoUpdate({
      target: accounts.id,
      set: { balance: sql`${accounts.balance} + excluded.balance`, updatedAt: sql`excluded.updated_at` },
    });
  return entry.id;
}

/** The balance of one account, locked until the transaction ends (0 for an account not yet opened). */
export async function lockedBalance(tx: PaymentsDb, id: string): Promise<number> {
  const [row] = await tx
    .select({ balance: accounts.balance })
    .from(accounts)
    .where(eq(accounts.id, id))
    .for("update");
  return row?.balance ?? 0;
}
