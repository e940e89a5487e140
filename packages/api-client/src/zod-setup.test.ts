import { describe, expect, it } from "vitest";
import { config } from "zod";
import { loginFormSchema } from "./forms/forms.ts";

describe("zod set-up of the API client", () => {
  it("parses without compiling code (no eval under the Content-Security-Policy)", () => {
    expect(config().jitless).toBe(true);
    const body = loginFormSchema.parse({ email: "a@example.com", password: "x" });
    expect(body).toEqual({ email: "a@example.com", password: "x" });
  });
});
