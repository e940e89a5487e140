import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_RELEASE } from "../sentry/release.ts";
import { commonEnv, tryParseConfig } from "./config.ts";

const schema = commonEnv.extend({
  PAYMENTS_DATABASE_URL: z.url(),
  PORT: z.coerce.number().int().min(1).max(65535),
});

describe("tryParseConfig", () => {
  test("applies the common defaults", () => {
    const result = tryParseConfig(commonEnv, {});
    expect(result).toEqual({
      ok: true,
      value: { LOG_LEVEL: "info", NODE_ENV: "development", SENTRY_RELEASE: DEFAULT_RELEASE },
    });
  });

  test("takes a release Sentry accepts, and refuses one with a slash", () => {
    const ok = tryParseConfig(commonEnv, { SENTRY_RELEASE: "payments-platform@4f2a9c1" });
    expect(ok.ok && ok.value.SENTRY_RELEASE).toBe("payments-platform@4f2a9c1");
    const bad = tryParseConfig(commonEnv, { SENTRY_RELEASE: "feature/x" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain("SENTRY_RELEASE");
  });

  test("parses a complete environment", () => {
    const result = tryParseConfig(schema, {
      PAYMENTS_DATABASE_URL: "postgres://u@h/db",
      PORT: "3001",
      NODE_ENV: "production",
      SENTRY_DSN: "https://key@sentry.example/1",
      UNRELATED: "ignored",
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.value.PORT).toBe(3001);
    expect(result.value.NODE_ENV).toBe("production");
    expect(result.value.SENTRY_DSN).toBe("https://key@sentry.example/1");
  });

  test("names every missing and malformed variable in one message", () => {
    const result = tryParseConfig(schema, { PORT: "not-a-port", NODE_ENV: "staging", SENTRY_DSN: "nope" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("PAYMENTS_DATABASE_URL: missing (required)");
    expect(result.message).toMatch(/PORT: .*number/i);
    expect(result.message).toMatch(/NODE_ENV: .*"development"/);
    expect(result.message).toContain("SENTRY_DSN:");
    expect(result.message.split("\n")).toHaveLength(4);
  });

  test("treats empty strings as unset", () => {
    const result = tryParseConfig(commonEnv, { SENTRY_DSN: "", OTEL_EXPORTER_OTLP_ENDPOINT: "" });
    expect(result.ok).toBe(true);
  });

  test("never echoes a value (they may be secrets)", () => {
    const result = tryParseConfig(schema, { PAYMENTS_DATABASE_URL: "s3cr3t-not-a-url", PORT: "1" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toContain("s3cr3t");
  });
});

describe("parseConfig", () => {
  const script = join(import.meta.dir, "fixtures", "config.ts");

  test("exits with code 1 and one readable message naming the variable", async () => {
    const child = Bun.spawn([process.execPath, script], {
      env: { PORT: "3001" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stdout, stderr] = await Promise.all([
      child.exited,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe("payments: invalid configuration\n  - PAYMENTS_DATABASE_URL: missing (required)\n");
  });

  test("returns the config when it is valid", async () => {
    const child = Bun.spawn([process.execPath, script], {
      env: { PORT: "3001", PAYMENTS_DATABASE_URL: "postgres://u@h/db" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stdout] = await Promise.all([child.exited, new Response(child.stdout).text()]);
    expect(code).toBe(0);
    expect(stdout).toBe("started on port 3001\n");
  });
});
