import type { Database } from "@payments/db";
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { type MailTransport, SendError } from "../transport/transport.ts";
import { mailOutbox } from "./tables.ts";

/** Options of {@link startMailRelay}. */
export interface MailRelayOptions<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  transport: MailTransport;
  /** `From:` of every mail (MAIL_FROM). */
  from: string;
  logger: Pick<Logger, "info" | "warn" | "error">;
  registry?: Registry;
  /** How often to look for due rows nobody woke the relay for. Default 1 s. */
  pollIntervalMs?: number;
  /** Backoff after a failed send: min(base · 2^(attempts-1), max) ±20 %. Defaults 1 s and 60 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a claimed row is this relay's before another may take it over (a crash). Default 2 min. */
  leaseMs?: number;
  /** Attempts before a mail is given up. Default 50 (with a 60 s cap: about 45 minutes of outage). */
  maxAttempts?: number;
  /** Rows claimed per pass. Default 20. */
  batchSize?: number;
  /** Sent or failed rows older than this are deleted. Default 7 days. */
  retentionMs?: number;
}

/** A running mail relay. */
export interface MailRelay {
  /** Ask for a pass now (after committing a transaction that enqueued mail). */
  wake(): void;
  /** Runs passes until nothing is due; resolves with the number sent. For tests and shutdown. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

function metricsOn(registry: Registry | undefined) {
  const get = <T>(name: string, make: () => T): T =>
    (registry?.getSingleMetric(name) as T | undefined) ?? make();
  const registers = registry ? [registry] : [];
  return {
    sent: get(
      "mail_sent_total",
      () =>
        new Counter({
          name: "mail_sent_total",
          help: "Mails the relay handed to the transport",
          labelNames: ["template"],
          registers,
        }),
    ),
    failed: get(
      "mail_send_failures_total",
      () =>
        new Counter({
          name: "mail_send_failures_total",
          help: "Failed sends: retried later, or given up (permanent)",
          labelNames: ["outcome"],
          registers,
        }),
    ),
  };
}

/**
 * Sends the mail outbox. A pass claims due rows with a lease (`FOR UPDATE SKIP LOCKED` inside one short
 * statement), sends them with no transaction open — a slow or absent SMTP server never holds a database
 * connection — and then marks each sent (clearing its bodies) or schedules a retry. Relays of several
 * instances share the table safely: a leased row is nobody else's until the lease runs out.
 *
 * Delivery is once per row in every case but one: a crash after the server accepted a mail and before the
 * row was marked sent sends it again when the lease expires, with the same `Message-ID`.
 */
export function startMailRelay<TSchema extends Record<string, unknown>>(
  opts: MailRelayOptions<TSchema>,
): MailRelay {
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const retryMaxMs = opts.retryMaxMs ?? 60_000;
  const leaseSeconds = (opts.leaseMs ?? 120_000) / 1000;
  const maxAttempts = opts.maxAttempts ?? 50;
  const batchSize = opts.batchSize ?? 20;
  const retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  const metrics = metricsOn(opts.registry);
  const { db, transport, logger } = opts;

  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let lastCleanup = 0;

  /**
   * Leases up to `batchSize` due rows, longest due first. The ids are chosen by one statement and leased by the
   * next, in one transaction: an `UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` is free to
   * run its subquery once per row of a nested loop, and on a table without statistics (the embedded
   * database, or any fresh one) it did, each run locking the next rows, so a claim leased the whole backlog.
   */
  async function claim() {
    const due = and(
      isNull(mailOutbox.sentAt),
      isNull(mailOutbox.failedAt),
      lte(mailOutbox.nextAttemptAt, sql`now()`),
      or(isNull(mailOutbox.leaseUntil), lt(mailOutbox.leaseUntil, sql`now()`)),
    );
    const rows = await db.transaction(async (tx) => {
      const claimable = await tx
        .select({ id: mailOutbox.id })
        .from(mailOutbox)
        .where(due)
        // The pending index's order: the claim reads one batch of it, not every pending row to sort them.
        .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (claimable.length === 0) return [];
      return tx
        .update(mailOutbox)
        .set({
          leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
          attempts: sql`${mailOutbox.attempts} + 1`,
        })
        .where(
          inArray(
            mailOutbox.id,
            claimable.map((row) => row.id),
          ),
        )
        .returning();
    });
    return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  async function sendOne(row: Awaited<ReturnType<typeof claim>>[number]): Promise<boolean> {
    try {
      await transport.send({
        id: row.id,
        from: opts.from,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody ?? "",
        html: row.htmlBody ?? "",
      });
    } catch (error) {
      const failure = error instanceof SendError ? error : new SendError(String(error), false);
      const giveUp = failure.permanent || row.attempts >= maxAttempts;
      const base = Math.min(retryBaseMs * 2 ** (row.attempts - 1), retryMaxMs);
      const delaySeconds = (base * (0.8 + Math.random() * 0.4)) / 1000;
      await db
        .update(mailOutbox)
        .set({
          leaseUntil: null,
          lastError: failure.message.slice(0, 500),
          ...(giveUp
            ? { failedAt: sql`now()`, textBody: null, htmlBody: null }
            : { nextAttemptAt: sql`now() + make_interval(secs => ${delaySeconds})` }),
        })
        .where(eq(mailOutbox.id, row.id));
      metrics.failed.inc({ outcome: giveUp ? "permanent" : "retry" });
      const log = { mail_id: row.id, template: row.template, attempts: row.attempts, err: failure.message };
      if (giveUp) logger.error(log, "mail given up");
      else
        logger.warn({ ...log, retry_in_ms: Math.round(delaySeconds * 1000) }, "mail send failed; will retry");
      return false;
    }
    await db
      .update(mailOutbox)
      .set({ sentAt: sql`now()`, leaseUntil: null, lastError: null, textBody: null, htmlBody: null })
      .where(eq(mailOutbox.id, row.id));
    metrics.sent.inc({ template: row.template });
    return true;
  }

  async function drain(): Promise<number> {
    let total = 0;
    do {
      again = false;
      while (!stopped) {
        const rows = await claim().catch((error: unknown) => {
          logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            "mail relay claim failed",
          );
          return [];
        });
        // The batch at once: notices go out two per payment, and one SMTP exchange at a time (~100 ms with
        // a connection each) would fall behind a few payments a second for good. A down server fails them
        // all fast, each with its own retry.
        const sent = await Promise.all(rows.map((row) => sendOne(row).catch(() => false)));
        total += sent.filter(Boolean).length;
        if (rows.length < batchSize) break;
      }
    } while (again && !stopped);
    await cleanup();
    return total;
  }

  async function cleanup(): Promise<void> {
    if (stopped || Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    const cutoff = new Date(Date.now() - retentionMs);
    await db
      .delete(mailOutbox)
      .where(
        or(
          and(isNotNull(mailOutbox.sentAt), lte(mailOutbox.sentAt, cutoff)),
          and(isNotNull(mailOutbox.failedAt), lte(mailOutbox.failedAt, cutoff)),
        ),
      )
      .catch((error: unknown) => logger.warn({ err: String(error) }, "mail outbox cleanup failed"));
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void run(), pollIntervalMs);
  void run();

  return {
    wake() {
      if (!stopped) void run();
    },
    async flush() {
      let total = 0;
      for (;;) {
        const n = await run();
        total += n;
        if (n === 0 || stopped) return total;
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
