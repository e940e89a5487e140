import { describe, expect, it } from "vitest";
import { config } from "zod";
import { paymentPageSchema } from "./index.ts";

describe("zod set-up of the API client", () => {
  it("parses without compiling code (no eval under the Content-Security-Policy)", () => {
    expect(config().jitless).toBe(true);
    const page = paymentPageSchema.parse({ data: [], has_more: false });
    expect(page).toEqual({ data: [], has_more: false });
  });
});
