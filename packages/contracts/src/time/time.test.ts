import { describe, expect, it } from "bun:test";
import { nowIso, timestampSchema } from "./time.ts";

describe("timestampSchema", () => {
  it("accepts UTC timestamps, with or without fractions", () => {
    expect(timestampSchema.safeParse("2025-01-31T12:00:00Z").success).toBe(true);
    expect(timestampSchema.safeParse("2025-01-31T12:00:00.123Z").success).toBe(true);
    expect(timestampSchema.safeParse(nowIso()).success).toBe(true);
  });

  it("rejects offsets, local times, dates and garbage", () => {
    for (const value of ["2025-01-31T12:00:00+01:00", "2025-01-31T12:00:00", "2025-01-31", "yesterday", 0]) {
      expect(timestampSchema.safeParse(value).success).toBe(false);
    }
  });
});
