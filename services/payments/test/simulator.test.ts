import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessorTimeoutError, withTimeout } from "../src/processor/processor.ts";
import {
  chargeKey,
  createSimulatedProcessor,
  fileRecord,
  memoryRecord,
  readRecordFile,
} from "../src/processor/simulator.ts";

const open = () => new AbortController().signal;
const charge = (paymentId: string, amount: number, attempt = 1) => ({
  paymentId,
  amount,
  currency: "usd",
  attempt,
});

describe("the simulated processor is idempotent by key", () => {
  test("a second call with a known key returns the first outcome, whatever it asks", async () => {
    const processor = createSimulatedProcessor({ latencyMs: 1, hangMs: 50 });
    expect(await processor.charge(charge("pay_a", 1002), open())).toMatchObject({ outcome: "declined" });
    // Another amount under the same key cannot change what happened.
    expect(await processor.charge(charge("pay_a", 1000, 2), open())).toMatchObject({ outcome: "declined" });
    expect(await processor.charge(charge("pay_b", 1000), open())).toEqual({ outcome: "succeeded" });
  });

  test("concurrent calls with one key are processed once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simulator-"));
    try {
      const path = join(dir, "record.jsonl");
      const processor = createSimulatedProcessor({ latencyMs: 5, hangMs: 50, record: fileRecord(path) });
      const results = await Promise.all(
        Array.from({ length: 5 }, () => processor.charge(charge("pay_c", 1000), open())),
      );
      expect(new Set(results.map((r) => r.outcome))).toEqual(new Set(["succeeded"]));
      const lines = readRecordFile(path).filter((l) => l.key === chargeKey("pay_c"));
      expect(lines.filter((l) => l.kind === "charge")).toHaveLength(1);
      expect(lines.filter((l) => l.kind === "replay")).toHaveLength(4);
      // The record outlives the processor that wrote it.
      const restarted = createSimulatedProcessor({ latencyMs: 5, hangMs: 50, record: fileRecord(path) });
      expect(await restarted.charge(charge("pay_c", 1002), open())).toEqual({ outcome: "succeeded" });
      expect(readRecordFile(path).filter((l) => l.kind === "charge")).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a call abandoned by its caller is not processed: the retry is a first call", async () => {
    const record = memoryRecord();
    const processor = createSimulatedProcessor({ latencyMs: 1, hangMs: 200, record });
    // …05 hangs on its first attempt; the caller gives up after 20 ms.
    const first = withTimeout(20, (signal) => processor.charge(charge("pay_d", 1005, 1), signal));
    await expect(first).rejects.toBeInstanceOf(ProcessorTimeoutError);
    expect(record.get(chargeKey("pay_d"))).toBeUndefined();
    expect(await processor.charge(charge("pay_d", 1005, 2), open())).toEqual({ outcome: "succeeded" });
    expect(record.get(chargeKey("pay_d"))).toEqual({ outcome: "succeeded" });
  });

  test("refunds are keyed by the refund, not the payment", async () => {
    const processor = createSimulatedProcessor({ latencyMs: 1, hangMs: 50 });
    const refund = (refundId: string, amount: number) => ({
      refundId,
      paymentId: "pay_e",
      amount,
      currency: "usd",
    });
    expect(await processor.refund(refund("re_1", 102), open())).toMatchObject({ outcome: "declined" });
    expect(await processor.refund(refund("re_2", 100), open())).toEqual({ outcome: "succeeded" });
    expect(await processor.refund(refund("re_1", 100), open())).toMatchObject({ outcome: "declined" });
  });
});
