import { describe, expect, it } from "vitest";
import { pivotByStatus } from "./charts.ts";

describe("pivotByStatus", () => {
  it("makes one row per bucket with a column per status, oldest first", () => {
    const { rows, statuses } = pivotByStatus([
      { bucket: "2025-01-01T10:01:00Z", status: "succeeded", count: 3 },
      { bucket: "2025-01-01T10:00:00Z", status: "failed", count: 1 },
      { bucket: "2025-01-01T10:00:00Z", status: "succeeded", count: 2 },
      { bucket: "2025-01-01T10:00:00Z", status: "succeeded", count: 1 },
    ]);
    expect(statuses).toEqual(["failed", "succeeded"]);
    expect(rows).toEqual([
      { bucket: "2025-01-01T10:00:00Z", failed: 1, succeeded: 3 },
      { bucket: "2025-01-01T10:01:00Z", succeeded: 3 },
    ]);
  });
});
