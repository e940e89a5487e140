import type { AuthEnv } from "@payments/auth-verify";
import type { Id } from "@payments/contracts";
import { describeRoute, forbidden, type KitEnv, validate } from "@payments/service-kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { createPaymentAtOnce } from "../actions/create-at-once.ts";
import type { Idempotency, IdempotentResult } from "../actions/idempotency.ts";
import { type Actor, cancelPayment, createPayment, paymentNotFound } from "../actions/payments.ts";
import { readPayment, readPaymentPage } from "../actions/reads.ts";
import { type RefundDeps, refundPayment } from "../actions/refunds.ts";
import type { PaymentsCore } from "../core.ts";
import type { PartyScope } from "../db/queries.ts";
import { paymentHistory } from "../db/queries.ts";
import { toApiRefund } from "../domain/views.ts";
import {
  cancelBody,
  createPaymentBody,
  errorResponses,
  idempotencyHeader,
  jsonContent,
  listQuery,
  optionalIdempotencyHeader,
  paymentId,
  paymentIdParam,
  paymentListSchema,
  paymentSchema,
  refundBody,
  refundSchema,
} from "./schemas.ts";
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

/** The `:id` of a route, or 404 when it cannot be a payment id. */
function idOf(raw: string): Id<"pay"> {
  const parsed = paymentId.safeParse(raw);
  if (!parsed.success) throw paymentNotFound();
  return parsed.data;
}

const history = z.object({
  object: z.literal("payment_history"),
  payment_id: z.string(),
  transitions: z.array(z.object({ id: z.string(), from: z.string().nullable(), to: z.string() })),
  attempts: z.array(z.object({ id: z.string(), attempt: z.int(), outcome: z.string(), latency_ms: z.int() })),
  refunds: z.array(refundSchema),
});

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
    "/",
    describeRoute({
      summary: "Create a payment (customers; Idempotency-Key required)",
      description:
        "Currency and amount must satisfy the current payment policy: the system configuration's " +
        "supported currencies and per-currency amount limits, served by admin and followed live through " +
        "`config.updated` (no restart). A refusal is 400 with `param` `currency` (`unsupported_currency`) " +
        "or `amount` (`amount_out_of_range`).",
      tags: ["payments"],
      responses: {
        201: { description: "Created, pending", content: jsonContent(paymentSchema) },
        ...errorResponses(400, 401, 403, 409, 422),
      },
    }),
    guards.customer,
    validate("header", idempotencyHeader),
    validate("json", createPaymentBody),
    async (c) => {
      const body = c.req.valid("json");
      const request = key(c, c.req.valid("header")["idempotency-key"], body);
      const actor = actorOf(c);
      // One statement when the key is new and the payment acceptable; otherwise the general path decides.
      const result =
        (await idempotency.runAtOnce(request, (completed) =>
          createPaymentAtOnce(core, actor, body, completed),
        )) ?? (await idempotency.run(request, (complete) => createPayment(core, actor, body, complete)));
      return send(c, result);
    },
  );

  app.get(
    "/",
    describeRoute({
      summary: "List payments, newest first (own; admins: anyone's)",
      tags: ["payments"],
      responses: {
        200: { description: "A page", content: jsonContent(paymentListSchema) },
        ...errorResponses(400, 401, 403),
      },
    }),
    guards.user,
    validate("query", listQuery),
    async (c) => {
      const q = c.req.valid("query");
      const actor = actorOf(c);
      if (q.user_id && q.user_id !== actor.userId && actor.role !== "admin") {
        throw forbidden("Only admins can list other users' payments.");
      }
      const whose = q.user_id ?? (actor.role === "admin" ? undefined : actor.userId);
      const scope: PartyScope = whose ? { kind: "user", userId: whose, role: q.role } : { kind: "all" };
      const page = await readPaymentPage(core, {
        scope,
        status: q.status,
        createdGte: q["created[gte]"] ? new Date(q["created[gte]"]) : undefined,
        createdLte: q["created[lte]"] ? new Date(q["created[lte]"]) : undefined,
        limit: q.limit,
        startingAfter: q.starting_after,
        endingBefore: q.ending_before,
      });
      return c.json(page);
    },
  );

  app.get(
    "/:id",
    describeRoute({
      summary: "A payment (payer, payee or admin)",
      tags: ["payments"],
      responses: {
        200: { description: "The payment", content: jsonContent(paymentSchema) },
        ...errorResponses(401, 404),
      },
    }),
    guards.user,
    validate("param", paymentIdParam),
    async (c) => c.json(await readPayment(core, actorOf(c), idOf(c.req.valid("param").id))),
  );

  app.post(
    "/:id/cancel",
    describeRoute({
      summary: "Cancel a pending payment (payer or admin)",
      tags: ["payments"],
      responses: {
        200: { description: "Canceled", content: jsonContent(paymentSchema) },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    }),
    guards.user,
    validate("param", paymentIdParam),
    validate("header", optionalIdempotencyHeader),
    validate("json", cancelBody),
    async (c) => {
      const id = idOf(c.req.valid("param").id);
      const body = c.req.valid("json");
      const header = c.req.valid("header")["idempotency-key"];
      const run = (complete?: Parameters<typeof cancelPayment>[4]) =>
        cancelPayment(core, actorOf(c), id, body.cancellation_reason, complete);
      if (header) return send(c, await idempotency.run(key(c, header, body), run));
      const { body: payment } = await run();
      return c.json(payment);
    },
  );

  app.post(
    "/:id/refunds",
    describeRoute({
      summary: "Refund a succeeded payment, fully or partly (payee or admin; Idempotency-Key required)",
      tags: ["payments"],
      responses: {
        201: { description: "The refund (status succeeded or failed)", content: jsonContent(refundSchema) },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    }),
    guards.user,
    validate("param", paymentIdParam),
    validate("header", idempotencyHeader),
    validate("json", refundBody),
    async (c) => {
      const id = idOf(c.req.valid("param").id);
      const body = c.req.valid("json");
      const result = await idempotency.run(
        key(c, c.req.valid("header")["idempotency-key"], body),
        (complete) => refundPayment(core, deps.refunds, actorOf(c), id, body, complete),
      );
      return send(c, result);
    },
  );

  app.get(
    "/:id/history",
    describeRoute({
      summary: "State transitions, processor attempts and refunds of a payment",
      tags: ["payments"],
      responses: {
        200: { description: "History", content: jsonContent(history) },
        ...errorResponses(401, 404),
      },
    }),
    guards.user,
    validate("param", paymentIdParam),
    async (c) => {
      const payment = await readPayment(core, actorOf(c), idOf(c.req.valid("param").id));
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
