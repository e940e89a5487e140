/**
 * The chaos scenario: the platform in the real mode on private servers, a steady stream of payments, then
 * Redis, RabbitMQ and Postgres each taken down and brought back, then the platform SIGKILLed and restarted
 * — and afterwards the databases counted against what the clients were told. Bounded: every wait has a
 * deadline, the whole run stops by itself.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitForMail } from "../support/mailbox.ts";
import { type LoadResult, type Payer, runLoad } from "./load.ts";
import { startChaosPlatform } from "./platform.ts";
import { privatePostgres, privateRabbit, privateRedis, type Stoppable } from "./servers.ts";
import { type Verification, verify } from "./verify.ts";

/** How hard and how long. */
export interface ChaosOptions {
  warmupMs: number;
  outageMs: number;
  concurrency: number;
  drainTimeoutMs: number;
  /** Environment for the platform (PATH and the like; no server URLs). */
  baseEnv: Record<string, string>;
  log: string;
  onProgress?: (line: string) => void;
}

/** One fault and how long the platform took to confirm a payment again once the fault was lifted. */
export interface FaultOutcome {
  fault: string;
  downMs: number;
  /** From the fault being lifted (server back / restart begun) to the next confirmed payment. */
  recoveryMs: number | undefined;
}

/** Everything the run measured. */
export interface ChaosReport {
  faults: FaultOutcome[];
  load: LoadResult;
  verification: Verification;
  cancelDuringBusOutage: { status: number; finalStatus: string | undefined; attempts: number | undefined };
  unexpectedExits: number;
  durationMs: number;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json().catch(() => ({}))) as Record<string, unknown>;
}

/** Runs the scenario and tears everything down, whatever happens. */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const say = opts.onProgress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "payments-chaos-"));
  const servers: Stoppable[] = [];
  try {
    say("starting private Postgres, Redis and RabbitMQ");
    const started = await Promise.allSettled([privatePostgres(), privateRedis(dir), privateRabbit()]);
    for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
    const [pg, redis, rabbit] = started.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    });
    if (!pg || !redis || !rabbit) throw new Error("a private server did not start");
    say("starting the platform (real mode)");
    const platform = await startChaosPlatform({
      dir,
      postgresUrl: pg.url,
      redisUrl: redis.url,
      rabbitmqUrl: rabbit.url,
      baseEnv: opts.baseEnv,
      log: opts.log,
    });
    try {
      const post = (path: string, body: unknown, token?: string, key?: string) =>
        fetch(`${platform.gateway}${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(key ? { "idempotency-key": key } : {}),
          },
          body: JSON.stringify(body),
        });
      const register = async (role: string, i: number) => {
        const email = `chaos-${role}-${i}-${crypto.randomUUID().slice(0, 6)}@example.com`;
        const password = "chaos run passphrase, long enough";
        const body = await json(
          await post("/api/auth/register", { email, password, name: `chaos ${role} ${i}`, role }),
        );
        const user = body.user as { id: string };
        // Only a confirmed address pays or is paid (docs/adr/0017): follow the link in the mail.
        const { token } = await waitForMail(email, "/account/verify", { dir: platform.mailboxDir });
        const verified = await post("/api/auth/email/verify", { token });
        if (verified.status !== 200) throw new Error(`verify ${email}: ${verified.status}`);
        return { id: user.id, email, password, token: String(body.access_token) };
      };
      // Payers first: their confirmations go out before the vendor's, so once the vendor can be found (below)
      // payments has heard that the payers may pay too (one outbox, published in order).
      const payers: Payer[] = await Promise.all([1, 2, 3].map((i) => register("customer", i)));
      const vendor = await register("vendor", 0);
      // The payments service learns of the vendor from `user.registered`: wait until it can be paid.
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${platform.gateway}/api/payments/payees?query=chaos`, {
          headers: { authorization: `Bearer ${payers[0]?.token}` },
        });
        const list = (await json(res)).data as Array<{ id: string }> | undefined;
        if (list?.some((p) => p.id === vendor.id)) break;
        await Bun.sleep(100);
      }

      const stop = Promise.withResolvers<void>();
      say("payments stream started");
      const { live, done: loading } = runLoad({
        gateway: platform.gateway,
        payers,
        vendorId: vendor.id,
        concurrency: opts.concurrency,
        until: stop.promise,
        retryBudgetMs: 100_000,
      });
      const confirmationsAfter = async (since: number, timeoutMs: number, load: () => number[]) => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const first = load().find((t) => t >= since);
          if (first !== undefined) return first - since;
          await Bun.sleep(50);
        }
        return undefined;
      };
      await Bun.sleep(opts.warmupMs);

      const faults: FaultOutcome[] = [];
      let cancelDuringBusOutage: ChaosReport["cancelDuringBusOutage"] = {
        status: 0,
        finalStatus: undefined,
        attempts: undefined,
      };
      let canceledId: string | undefined;
      const cancelPayer = payers[0];
      for (const [name, server] of [
        ["Redis", redis],
        ["RabbitMQ", rabbit],
        ["Postgres", pg],
      ] as const) {
        say(`${name} down for ${opts.outageMs} ms`);
        const downAt = Date.now();
        await server.down();
        if (name === "RabbitMQ" && cancelPayer) {
          // With the bus down the payment cannot reach the worker: it stays pending and can be canceled.
          const created = await post(
            "/api/payments",
            { payee_id: vendor.id, amount: 777, currency: "usd", description: "chaos-cancel" },
            cancelPayer.token,
            crypto.randomUUID(),
          );
          canceledId = String((await json(created)).id);
          const canceled = await post(`/api/payments/${canceledId}/cancel`, {}, cancelPayer.token);
          cancelDuringBusOutage = { ...cancelDuringBusOutage, status: canceled.status };
        }
        await Bun.sleep(Math.max(0, opts.outageMs - (Date.now() - downAt)));
        await server.up();
        const upAt = Date.now();
        const recoveryMs = await confirmationsAfter(upAt, 60_000, () => live.confirmations);
        faults.push({ fault: `${name} stopped and restarted`, downMs: upAt - downAt, recoveryMs });
        say(`${name} back; next payment confirmed after ${recoveryMs ?? "—"} ms`);
      }

      say("SIGKILL the platform, then start it again");
      const killedAt = Date.now();
      await platform.kill();
      await platform.start();
      const recoveryMs = await confirmationsAfter(killedAt, 60_000, () => live.confirmations);
      faults.push({ fault: "platform SIGKILL + restart", downMs: 0, recoveryMs });
      say(`restarted; next payment confirmed ${recoveryMs ?? "—"} ms after the kill`);

      await Bun.sleep(opts.warmupMs);
      stop.resolve();
      const load = await loading;
      say(`stream stopped: ${load.confirmed.size} confirmed, ${load.abandoned.size} abandoned; counting`);
      const verification = await verify(platform.databases, load, opts.drainTimeoutMs);
      if (canceledId && cancelPayer) {
        const credentials = { email: cancelPayer.email, password: cancelPayer.password };
        const token = String((await json(await post("/api/auth/login", credentials))).access_token);
        const read = async (path: string) =>
          json(await fetch(`${platform.gateway}${path}`, { headers: { authorization: `Bearer ${token}` } }));
        const payment = await read(`/api/payments/${canceledId}`);
        const history = await read(`/api/payments/${canceledId}/history`);
        cancelDuringBusOutage = {
          ...cancelDuringBusOutage,
          finalStatus: String(payment.status),
          attempts: Array.isArray(history.attempts) ? history.attempts.length : undefined,
        };
      }
      return {
        faults,
        load,
        verification,
        cancelDuringBusOutage,
        unexpectedExits: platform.unexpectedExits,
        durationMs: Date.now() - began,
      };
    } finally {
      await platform.stop();
    }
  } finally {
    await Promise.all(servers.map((s) => s.destroy().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}
