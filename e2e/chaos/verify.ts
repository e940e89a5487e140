/**
 * Counting after the storm, straight from the services' databases: every payment the client saw confirmed
 * exists exactly once; no idempotency key made two payments; no state transition was applied twice; the
 * admin service recorded each payment's events exactly once (its inbox and the outbox did their job); the
 * ledger journaled every succeeded payment once and reconciles (Σ postings = 0 per currency, every account's
 * balance = its postings — docs/adr/0031).
 */
import postgres from "postgres";
import type { LoadResult } from "./load.ts";

/** The verdict, with the numbers behind it. */
export interface Verification {
  paymentsInDb: number;
  confirmed: number;
  /** Confirmed by the platform but absent from its database. */
  lost: string[];
  /** Idempotency keys (descriptions) with more than one payment. */
  duplicated: string[];
  /** Abandoned keys that nevertheless exist (allowed: at most once, the client just never heard). */
  abandonedButCreated: number;
  /** (payment, from, to) transitions recorded more than once. */
  doubleTransitions: string[];
  /** Payments whose `payment.created` the audit log lacks, or has more than once. */
  auditMissing: string[];
  auditDuplicated: string[];
  /** Payments not yet in a final state. */
  unsettled: string[];
  /** Succeeded chaos payments without a ledger entry, or with more than one. */
  ledgerMissing: string[];
  ledgerDuplicated: string[];
  /** What the reconciliation finds wrong: unbalanced currencies, accounts whose balance ≠ their postings. */
  ledgerUnbalanced: string[];
  byStatus: Record<string, number>;
}

/** Waits until every chaos payment is settled and audited, up to `timeoutMs`; returns the final count. */
export async function verify(
  databases: { payments: string; admin: string },
  load: LoadResult,
  timeoutMs: number,
): Promise<Verification> {
  const payments = postgres(databases.payments, { max: 1, onnotice: () => undefined });
  const admin = postgres(databases.admin, { max: 1, onnotice: () => undefined });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await count(payments, admin, load);
      const done =
        result.unsettled.length === 0 &&
        result.auditMissing.length === 0 &&
        result.ledgerMissing.length === 0;
      if (done || Date.now() > deadline) return result;
      await Bun.sleep(1_000);
    }
  } finally {
    await Promise.all([payments.end(), admin.end()]);
  }
}

async function count(payments: postgres.Sql, admin: postgres.Sql, load: LoadResult): Promise<Verification> {
  const rows = await payments<Array<{ id: string; description: string; status: string }>>`
    select id, description, status from payments where description like 'chaos-%'`;
  const byKey = new Map<string, string[]>();
  for (const row of rows) byKey.set(row.description, [...(byKey.get(row.description) ?? []), row.id]);
  const ids = new Set(rows.map((r) => r.id));
  const lost = [...load.confirmed.values()].filter((id) => !ids.has(id));
  const duplicated = [...byKey.entries()].filter(([, list]) => list.length > 1).map(([key]) => key);
  const abandonedButCreated = [...load.abandoned].filter((key) => byKey.has(key)).length;
  const doubles = await payments<
    Array<{ payment_id: string; from_status: string | null; to_status: string }>
  >`
    select payment_id, from_status, to_status from payment_transitions
    group by payment_id, from_status, to_status having count(*) > 1`;
  const audit = await admin<Array<{ subject: string; n: number }>>`
    select subject, count(*)::int as n from audit_log where type = 'payment.created' group by subject`;
  const audited = new Map(audit.map((a) => [a.subject, a.n]));
  const byStatus: Record<string, number> = {};
  for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  const entries = await payments<Array<{ source_id: string; n: number }>>`
    select source_id, count(*)::int as n from ledger.entries where source_type = 'payment' group by source_id`;
  const journaled = new Map(entries.map((e) => [e.source_id, e.n]));
  const succeeded = rows.filter((r) => ["succeeded", "partially_refunded", "refunded"].includes(r.status));
  const unbalanced = await payments<Array<{ what: string }>>`
    select 'currency ' || currency || ' sums to ' || sum(amount) as what from ledger.postings
      group by currency having sum(amount) <> 0
    union all
    select 'account ' || a.id || ': balance ' || a.balance || ', postings ' || coalesce(p.total, 0)
      from ledger.accounts a
      left join (select account_id, sum(amount) as total from ledger.postings group by account_id) p
        on p.account_id = a.id
      where a.balance <> coalesce(p.total, 0)`;
  return {
    paymentsInDb: rows.length,
    confirmed: load.confirmed.size,
    lost,
    duplicated,
    abandonedButCreated,
    doubleTransitions: doubles.map((d) => `${d.payment_id} ${d.from_status ?? "∅"}→${d.to_status}`),
    auditMissing: rows.filter((r) => !audited.has(r.id)).map((r) => r.id),
    auditDuplicated: [...audited.entries()].filter(([, n]) => n > 1).map(([id]) => id),
    unsettled: rows.filter((r) => ["pending", "processing"].includes(r.status)).map((r) => r.id),
    ledgerMissing: succeeded.filter((r) => !journaled.has(r.id)).map((r) => r.id),
    ledgerDuplicated: succeeded.filter((r) => (journaled.get(r.id) ?? 0) > 1).map((r) => r.id),
    ledgerUnbalanced: unbalanced.map((u) => u.what),
    byStatus,
  };
}
