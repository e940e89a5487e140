import type { AuthEnv } from "@payments/auth-verify";
import type { Id } from "@payments/contracts";
import {
  balanceGet,
  balanceListTransactions,
  balanceSetBankAccount,
  balanceStatement,
  honoPath,
  ledgerCheck,
  payoutsCreate,
  payoutsList,
} from "@payments/contracts/http";
import { inSpan, type KitEnv, validate } from "@payments/service-kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Idempotency } from "../../actions/idempotency.ts";
import { databaseUnavailableAs503 } from "../../routes/unavailable.ts";
import { reconcile } from "../actions/check.ts";
import { createPayout, setBankAccount } from "../actions/payouts.ts";
import { listBalanceTransactions, listPayouts, readBalance, statementCsv } from "../actions/reads.ts";
import type { LedgerCore } from "../core.ts";

/** What the ledger's routes need. */
export interface LedgerRouteDeps {
  ledger: LedgerCore;
  idempotency: Idempotency;
  guards: {
    /** Vendors only: a balance and payouts are a vendor's. */
    vendor: MiddlewareHandler<AuthEnv>;
    admin: MiddlewareHandler<AuthEnv>;
  };
}

type AuthedContext = Context<KitEnv & AuthEnv>;
const vendorOf = (c: AuthedContext) => c.var.auth.userId as Id<"usr">;

/**
 * `GET /balance`, `GET /balance/transactions`, `GET /balance/statement.csv`, `PUT /balance/bank-account`,
 * `POST|GET /payouts`, `GET /ledger/check`. Mounted before the payment routes (their `/:id` would take them).
 */
export function ledgerRoutes(deps: LedgerRouteDeps): Hono<KitEnv> {
  const { ledger, idempotency, guards } = deps;
  const app = new Hono<KitEnv>();
  app.onError(databaseUnavailableAs503(ledger.logger));

  app.get(honoPath(balanceGet), guards.vendor, async (c) => c.json(await readBalance(ledger, vendorOf(c))));

  app.get(
    honoPath(balanceListTransactions),
    guards.vendor,
    validate("query", balanceListTransactions.query),
    async (c) => c.json(await listBalanceTransactions(ledger, vendorOf(c), c.req.valid("query"))),
  );

  app.get(honoPath(balanceStatement), guards.vendor, validate("query", balanceStatement.query), async (c) => {
    const q = c.req.valid("query");
    const csv = await statementCsv(ledger, vendorOf(c), q);
    return c.body(csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="statement-${q.month}${q.currency ? `-${q.currency}` : ""}.csv"`,
    });
  });

  app.put(
    honoPath(balanceSetBankAccount),
    guards.vendor,
    validate("json", balanceSetBankAccount.body),
    async (c) => c.json(await setBankAccount(ledger, vendorOf(c), c.req.valid("json").account_number)),
  );

  app.post(
    honoPath(payoutsCreate),
    guards.vendor,
    validate("header", payoutsCreate.headers),
    validate("json", payoutsCreate.body),
    async (c) => {
      const body = c.req.valid("json");
      const request = {
        userId: c.var.auth.userId,
        key: c.req.valid("header")["idempotency-key"],
        method: c.req.method,
        path: c.req.path,
        body,
        requestId: c.var.requestId,
      };
      const result = await inSpan("payout.create", { attributes: { "payout.currency": body.currency } }, () =>
        idempotency.run(request, (complete) => createPayout(ledger, vendorOf(c), body, complete)),
      );
      if (result.replayed) c.header("Idempotent-Replayed", "true");
      c.header("Content-Type", "application/json");
      return c.body(result.json, result.status as ContentfulStatusCode);
    },
  );

  app.get(honoPath(payoutsList), guards.vendor, validate("query", payoutsList.query), async (c) =>
    c.json(await listPayouts(ledger, vendorOf(c), c.req.valid("query"))),
  );

  app.get(honoPath(ledgerCheck), guards.admin, async (c) => c.json(await reconcile(ledger)));

  return app;
}
