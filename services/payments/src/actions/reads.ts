import type { CacheSetOptions } from "@payments/cache";
import type { Id } from "@payments/contracts";
import type { PaymentSummaryView } from "@payments/contracts/http";
import { type PaymentsCore, paymentKey, REPORT_TTL_MS } from "../core.ts";
import type { ListParams } from "../db/lists.ts";
import {
  type DayRow,
  type ReportRange,
  SETTLED_STATUSES,
  type SummaryRow,
  summarize,
  summarizeByDay,
} from "../db/reports.ts";
import { canonicalJson } from "../domain/idempotency.ts";
import type { ApiPayment } from "../domain/views.ts";
import {
  loadPage,
  loadPayment,
  type PaymentPage,
  pageEntry,
  pageKey,
  pageRead,
  paymentEntry,
} from "./cached-views.ts";
import { type Actor, paymentNotFound, visibleTo } from "./payments.ts";

export type { PaymentPage } from "./cached-views.ts";

type CachedResource = "payment" | "list" | "report";

/** Read-through with hit/miss counted per resource (the cache's own metrics only know the namespace). */
async function cached<T>(
  core: PaymentsCore,
  resource: CachedResource,
  key: string,
  load: () => Promise<T>,
  opts: CacheSetOptions,
): Promise<T> {
  let loaded = false;
  const value = await core.cache.wrap(
    key,
    async () => {
      loaded = true;
      return load();
    },
    opts,
  );
  core.metrics.cacheLookups.inc({ resource, result: loaded ? "miss" : "hit" });
  return value;
}

/**
 * One payment as its payer, payee or an admin sees it, through the cache (key `payment:<id>`, which every
 * change replaces with the new view; a renamed party shows under the new name when the entry expires).
 * Anyone else gets the same 404 as for a payment that does not exist.
 */
export async function readPayment(core: PaymentsCore, actor: Actor, id: Id<"pay">): Promise<ApiPayment> {
  // undefined is not stored: unknown ids never fill the cache.
  const payment = await cached(core, "payment", paymentKey(id), () => loadPayment(core, id), paymentEntry);
  if (!payment || !visibleTo(payment, actor)) throw paymentNotFound();
  return payment;
}

/**
 * A page of payments. Pages of one user are cached under `user:<id>`, which every change of their payments
 * invalidates before the pages this process served recently are written through again; platform-wide admin
 * pages change with every payment and are not cached.
 */
export async function readPaymentPage(core: PaymentsCore, params: ListParams): Promise<PaymentPage> {
  const { scope } = params;
  if (scope.kind === "all") return loadPage(core, params);
  const user = { ...params, scope };
  pageRead(core, user);
  return cached(core, "list", pageKey(user), () => loadPage(core, user), pageEntry(scope.userId));
}

/** Summary report parameters. */
export interface SummaryParams extends ReportRange {
  timeZone: string;
}

type Total = PaymentSummaryView["totals"][number];

/** Per-currency totals of the by-status rows: volume is what went through, net subtracts the refunds. */
function totalsOf(rows: readonly SummaryRow[]): Total[] {
  const totals = new Map<string, Total>();
  for (const row of rows) {
    const total = totals.get(row.currency) ?? {
      currency: row.currency,
      count: 0,
      volume: 0,
      refunded: 0,
      net: 0,
      failed: 0,
    };
    total.count += row.count;
    if (row.status === "failed") total.failed += row.count;
    if (SETTLED_STATUSES.includes(row.status)) {
      total.volume += row.amount;
      total.refunded += row.amount_refunded;
      total.net = total.volume - total.refunded;
    }
    totals.set(row.currency, total);
  }
  return [...totals.values()];
}

/** The summary report: SQL aggregates, cached for a few seconds (never invalidated row by row). */
export async function readSummary(core: PaymentsCore, params: SummaryParams): Promise<PaymentSummaryView> {
  const key = `report:${canonicalJson({
    scope: params.scope,
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    currency: params.currency ?? null,
    tz: params.timeZone,
  })}`;
  const { rows, days } = await cached<{ rows: SummaryRow[]; days: DayRow[] }>(
    core,
    "report",
    key,
    async () => {
      const [rows, days] = await Promise.all([summarize(core.db, params), summarizeByDay(core.db, params)]);
      return { rows, days };
    },
    { ttlMs: REPORT_TTL_MS },
  );
  return {
    object: "report",
    scope: params.scope.kind === "all" ? "platform" : "user",
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    currency: params.currency ?? null,
    by_status: rows,
    totals: totalsOf(rows),
    by_day: days,
    time_zone: params.timeZone,
  };
}
