import type { AuthEnv } from "@payments/auth-verify";
import {
  honoPath,
  paymentsCancel,
  paymentsCreate,
  paymentsGet,
  paymentsHistory,
  paymentsList,
  paymentsRefund,
} from "@payments/contracts/http";
import { inSpan, type KitEnv, validate } from "@payments/service-kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { createPayment } from "../actions/create-payment.ts";
import type { Idempotency, IdempotentResult } from "../actions/idempotency.ts";
import { type Actor, cancelPayment, paymentNotFound } from "../actions/payments.ts";
import { readPayment, readPaymentPage } from "../actions/reads.ts";
import { type RefundDeps, refundPayment } from "../actions/refunds.ts";
import type { PaymentsCore } from "../core.ts";
import { paymentHistory } from "../db/queries.ts";
import { toApiRefund } from "../domain/views.ts";
import { filterOf } from "./filters.ts";
import { databaseUnavailableAs503 } from "./unavailable.ts";

/** Authentication guards the routes use. */
export interface Guards {
  /** Any signed-in user. */
  user: MiddlewareHandler<AuthEnv>;
  /** Customers only (they pay). */
  customer: MiddlewareHandler<AuthEnv>;
}

/** What the payment routes need. */
export interface RouteDeps {
  core: PaymentsCore;
  idempotency: Idempotency;
  refunds: RefundDeps;
  guards: Guards;
}

type AuthedContext = Context<KitEnv & AuthEnv>;

/** The acting user from the verified token. */
export function actorOf(c: AuthedContext): Actor {
  return { userId: c.var.auth.userId, role: c.var.auth.role };
}

/** Sends an idempotent result: the stored bytes, marked when replayed. */
function send(c: Context, result: IdempotentResult): Response {
  if (result.replayed) c.header("Idempotent-Replayed", "true");
  c.header("Content-Type", "application/json");
  return c.body(result.json, result.status as ContentfulStatusCode);
}

/** `POST /`, `GET /`, `GET /:id`, `POST /:id/cancel`, `POST /:id/refunds`, `GET /:id/history`. */
export function paymentRoutes(deps: RouteDeps): Hono<KitEnv> {
  const { core, idempotency, guards } = deps;
  const app = new Hono<KitEnv>();
  app.onError(databaseUnavailableAs503(core.logger));
  const key = (c: AuthedContext, header: string, body: unknown) => ({
    userId: c.var.auth.userId,
    key: header,
    method: c.req.method,
    path: c.req.path,
    body,
    requestId: c.var.requestId,
  });

  app.post(
    honoPath(paymentsCreate),
    guards.customer,
    validate("header", paymentsCreate.headers),
    validate("json", paymentsCreate.body),
    async (c) => {
      const body = c.req.valid("json");
      const request = key(c, c.req.valid("header")["idempotency-key"], body);
      const actor = actorOf(c);
      const result = await inSpan(
        "payment.create",
        { attributes: { "payment.currency": body.currency } },
        async (span) => {
          // One statement for a new key; a known key is replayed, waited for or refused (ADR 0004, 0027).
          const done = await idempotency.runStatement(request, (key) =>
            createPayment(core, actor, body, key),
          );
          span.setAttributes({
            "idempotency.replayed": done.replayed,
            "http.response.status_code": done.status,
          });
          return done;
        },
      );
      return send(c, result);
    },
  );

  app.get(honoPath(paymentsList), guards.user, validate("query", paymentsList.query), async (c) => {
    const q = c.req.valid("query");
    const page = await readPaymentPage(core, {
      ...filterOf(q, actorOf(c)),
      limit: q.limit,
      startingAfter: q.starting_after,
      endingBefore: q.ending_before,
    });
    return c.json(page);
  });

  app.get(
    honoPath(paymentsGet),
    guards.user,
    validate("param", paymentsGet.params, paymentNotFound),
    async (c) => c.json(await readPayment(core, actorOf(c), c.req.valid("param").id)),
  );

  app.post(
    honoPath(paymentsCancel),
    guards.user,
    validate("param", paymentsCancel.params, paymentNotFound),
    validate("header", paymentsCancel.headers),
    validate("json", paymentsCancel.body),
    async (c) => {
      const id = c.req.valid("param").id;
      const body = c.req.valid("json");
      const header = c.req.valid("header")["idempotency-key"];
      const run = (complete?: Parameters<typeof cancelPayment>[4]) =>
        inSpan("payment.cancel", { attributes: { "payment.id": id } }, () =>
          cancelPayment(core, actorOf(c), id, body.cancellation_reason, complete),
        );
      if (header) return send(c, await idempotency.run(key(c, header, body), run));
      const { body: payment } = await run();
      return c.json(payment);
    },
  );

  app.post(
    honoPath(paymentsRefund),
    guards.user,
    validate("param", paymentsRefund.params, paymentNotFound),
    validate("header", paymentsRefund.headers),
    validate("json", paymentsRefund.body),
    async (c) => {
      const id = c.req.valid("param").id;
      const body = c.req.valid("json");
      const result = await inSpan("payment.refund", { attributes: { "payment.id": id } }, () =>
        idempotency.run(key(c, c.req.valid("header")["idempotency-key"], body), (complete) =>
          refundPayment(core, deps.refunds, actorOf(c), id, body, complete),
        ),
      );
      return send(c, result);
    },
  );

  app.get(
    honoPath(paymentsHistory),
    guards.user,
    validate("param", paymentsHistory.params, paymentNotFound),
    async (c) => {
      const payment = await readPayment(core, actorOf(c), c.req.valid("param").id);
      const h = await paymentHistory(core.db, payment.id);
      return c.json({
        object: "payment_history" as const,
        payment_id: payment.id,
        transitions: h.transitions.map((t) => ({
          id: t.id,
          from: t.fromStatus,
          to: t.toStatus,
          actor_id: t.actorId,
          reason: t.reason,
          created_at: t.createdAt.toISOString(),
        })),
        attempts: h.attempts.map((a) => ({
          id: a.id,
          attempt: a.attempt,
          outcome: a.outcome,
          failure_code: a.failureCode,
          latency_ms: a.latencyMs,
          created_at: a.createdAt.toISOString(),
        })),
        refunds: h.refunds.map(toApiRefund),
      });
    },
  );

  return app;
}
