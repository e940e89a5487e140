import type { CacheSetOptions } from "@payments/cache";
import type { Id } from "@payments/contracts";
import {
  LIST_TTL_MS,
  PAYMENT_TTL_MS,
  type PaymentsCore,
  paymentKey,
  REPORT_TTL_MS,
  userTag,
} from "../core.ts";
import { findPayment, type ListParams, listPayments, type SummaryRow, summarize } from "../db/queries.ts";
import { canonicalJson } from "../domain/idempotency.ts";
import { type ApiPayment, toApiPayment } from "../domain/views.ts";
import { type Actor, paymentNotFound, visibleTo } from "./payments.ts";

const SETTLED: ReadonlySet<string> = new Set(["succeeded", "partially_refunded", "refunded"]);

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
 * transition deletes). Anyone else gets the same 404 as for a payment that does not exist.
 */
export async function readPayment(core: PaymentsCore, actor: Actor, id: Id<"pay">): Promise<ApiPayment> {
  const payment = await cached(
    core,
    "payment",
    paymentKey(id),
    async () => {
      const row = await findPayment(core.db, id);
      // undefined is not stored: unknown ids never fill the cache.
      return row ? toApiPayment(row) : undefined;
    },
    { ttlMs: PAYMENT_TTL_MS },
  );
  if (!payment || !visibleTo(payment, actor)) throw paymentNotFound();
  return payment;
}

/** A page of payments as the list route returns it. */
export interface PaymentPage {
  object: "list";
  data: ApiPayment[];
  has_more: boolean;
}

/**
 * A page of payments. Pages of one user are cached under `user:<id>`, which every transition of their
 * payments invalidates; platform-wide admin pages change with every payment and are not cached.
 */
export async function readPaymentPage(core: PaymentsCore, params: ListParams): Promise<PaymentPage> {
  const load = async (): Promise<PaymentPage> => {
    const { rows, hasMore } = await listPayments(core.db, params);
    return { object: "list", data: rows.map(toApiPayment), has_more: hasMore };
  };
  if (params.scope.kind === "all") return load();
  const key = `list:${params.scope.userId}:${canonicalJson({
    role: params.scope.role ?? "any",
    status: params.status,
    gte: params.createdGte?.toISOString(),
    lte: params.createdLte?.toISOString(),
    limit: params.limit,
    after: params.startingAfter,
    before: params.endingBefore,
  })}`;
  return cached(core, "list", key, load, { ttlMs: LIST_TTL_MS, tags: [userTag(params.scope.userId)] });
}

/** Summary report parameters. */
export interface SummaryParams {
  scope: ListParams["scope"];
  from: Date;
  to: Date;
  currency?: string | undefined;
}

/** The summary report: SQL aggregates, cached for a few seconds (never invalidated row by row). */
export async function readSummary(core: PaymentsCore, params: SummaryParams) {
  const key = `report:${canonicalJson({
    scope: params.scope,
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    currency: params.currency ?? null,
  })}`;
  const rows = await cached<SummaryRow[]>(core, "report", key, () => summarize(core.db, params), {
    ttlMs: REPORT_TTL_MS,
  });
  // Volume counts what was actually paid (settled, refunded or not); net subtracts the refunds.
  const totals = new Map<
    string,
    { currency: string; count: number; volume: number; refunded: number; net: number }
  >();
  for (const row of rows) {
    const total = totals.get(row.currency) ?? {
      currency: row.currency,
      count: 0,
      volume: 0,
      refunded: 0,
      net: 0,
    };
    total.count += row.count;
    if (SETTLED.has(row.status)) {
      total.volume += row.amount;
      total.refunded += row.amount_refunded;
      total.net = total.volume - total.refunded;
    }
    totals.set(row.currency, total);
  }
  return {
    object: "report" as const,
    scope: params.scope.kind === "all" ? ("platform" as const) : ("user" as const),
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    currency: params.currency ?? null,
    by_status: rows,
    totals: [...totals.values()],
  };
}
