import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventEnvelope } from "@payments/contracts";
import { eq } from "drizzle-orm";
import { paymentKey } from "../src/core.ts";
import { paymentAttempts } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import { createEventHandler } from "../src/events/handlers.ts";
import {
  chargeKey,
  createSimulatedProcessor,
  fileRecord,
  readRecordFile,
} from "../src/processor/simulator.ts";
import { resumeStuckPayments, type SettleDeps } from "../src/worker/settle.ts";
import {
  bodyOf,
  createHarness,
  type Harness,
  type History,
  newKey,
  openTestDb,
  postgresUrl,
  TEST_SETTLE,
  type TestUser,
} from "./support.ts";

const WORKER = new URL("./fixtures/crash-worker.ts", import.meta.url).pathname;

/** Reads the child's stdout until `count` lines starting with `prefix` arrived (bounded). */
async function linesFrom(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  count: number,
): Promise<string[]> {
  const found: string[] = [];
  let text = "";
  const decoder = new TextDecoder();
  const deadline = setTimeout(() => void stream.cancel(), 30_000);
  try {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      const lines = text.split("\n");
      text = lines.pop() ?? "";
      found.push(...lines.filter((line) => line.startsWith(prefix)));
      if (found.length >= count) return found;
    }
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`the worker announced ${found.length} of ${count} charges before its output ended`);
}

// Two processes share one Postgres database, so this needs a real server (CI has one; without it under CI,
// realServer() in support.ts has already failed the run).
describe.if(postgresUrl !== undefined)(
  "a worker killed between the processor's answer and its commit",
  () => {
    let h: Harness;
    let closeDb: () => Promise<void>;
    let url: string;
    let customer: TestUser;
    let vendor: TestUser;
    const dir = mkdtempSync(join(tmpdir(), "payments-crash-"));
    const recordPath = join(dir, "processor.jsonl");

    beforeAll(async () => {
      const testDb = await openTestDb(4);
      if (!testDb.url) throw new Error("no database URL");
      url = testDb.url;
      closeDb = testDb.close;
      h = await createHarness({ db: testDb.db });
      customer = await h.user("customer");
      vendor = await h.user("vendor");
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await closeDb?.();
      rmSync(dir, { recursive: true, force: true });
    });

    test("after the restart each payment is settled, and the processor's record shows one charge each", async () => {
      const created: { payment: ApiPayment; event: EventEnvelope }[] = [];
      for (const amount of [1250, 1302]) {
        const res = await h.request("/", {
          token: customer.token,
          key: newKey(),
          json: { payee_id: vendor.id, amount, currency: "usd" },
        });
        expect(res.status).toBe(201);
        const payment = await bodyOf<ApiPayment>(res);
        const event = (await h.events()).find(
          (e) => e.type === "payment.created" && e.subject === payment.id,
        );
        if (!event) throw new Error("payment.created not in the outbox");
        created.push({ payment, event });
      }

      const worker = Bun.spawn(
        [process.execPath, WORKER, url, recordPath, JSON.stringify(created.map((c) => c.event))],
        {
          stdout: "pipe",
          stderr: "inherit",
        },
      );
      const charged = await linesFrom(worker.stdout, "charged ", created.length);
      expect(charged.sort()).toEqual(created.map((c) => `charged ${c.payment.id}`).sort());
      // Killed where the claim ("processing", not a durable commit) is visible and the settlement never came.
      worker.kill("SIGKILL");
      expect(await worker.exited).not.toBe(0);
      // The killed worker had its own in-memory cache, so it could not replace the details this harness
      // wrote through at create, as processes sharing Redis do (ADR 0037): drop them here.
      await h.cache.del(...created.map(({ payment }) => paymentKey(payment.id)));
      for (const { payment } of created) {
        const now = await bodyOf<ApiPayment>(await h.request(`/${payment.id}`, { token: customer.token }));
        expect(now.status).toBe("processing");
      }

      // The restart: a new worker, the processor with the record it kept. One payment comes back as the
      // broker's redelivery of its unacknowledged `payment.created`, the other through the sweeper.
      const settle: SettleDeps = {
        processor: createSimulatedProcessor({ latencyMs: 1, hangMs: 150, record: fileRecord(recordPath) }),
        ...TEST_SETTLE,
      };
      const [redelivered, swept] = created;
      if (!redelivered || !swept) throw new Error("two payments expected");
      await createEventHandler(h.core, settle)(redelivered.event, {
        queue: "payments",
        attempt: 1,
        redelivered: true,
      });
      expect(await resumeStuckPayments(h.core, settle, 0)).toBe(1);

      const record = readRecordFile(recordPath);
      for (const [{ payment }, expected] of [
        [redelivered, "succeeded"],
        [swept, "failed"],
      ] as const) {
        const key = chargeKey(payment.id);
        expect(record.filter((line) => line.key === key && line.kind === "charge")).toHaveLength(1);
        expect(record.filter((line) => line.key === key && line.kind === "replay")).toHaveLength(1);
        const after = await bodyOf<ApiPayment>(await h.request(`/${payment.id}`, { token: customer.token }));
        expect(after.status).toBe(expected);
        const history = await bodyOf<History>(
          await h.request(`/${payment.id}/history`, { token: customer.token }),
        );
        expect(history.transitions.map((t) => t.to)).toEqual(["pending", "processing", expected]);
        const attempts = await h.core.db
          .select()
          .from(paymentAttempts)
          .where(eq(paymentAttempts.paymentId, payment.id));
        expect(attempts).toHaveLength(1);
        const types = (await h.events()).filter((e) => e.subject === payment.id).map((e) => e.type);
        expect(types).toEqual(["payment.created", "payment.processing", `payment.${expected}`]);
      }
    }, 60_000);
  },
);
