import { describe, expect, it } from "bun:test";
import { waitFor } from "./wait.ts";

describe("waitFor", () => {
  it("resolves once the condition holds", async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it("accepts async conditions", async () => {
    let calls = 0;
    await waitFor(async () => ++calls >= 2, { intervalMs: 1 });
    expect(calls).toBe(2);
  });

  it("fails after the deadline, naming what it waited for", async () => {
    await expect(
      waitFor(() => false, { timeoutMs: 20, intervalMs: 5, description: "the moon" }),
    ).rejects.toThrow(/the moon/);
  });
});
