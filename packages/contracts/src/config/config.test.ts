import { describe, expect, it } from "bun:test";
import { DEFAULT_SYSTEM_CONFIG, paymentLimitsFor, publicConfigSchema, systemConfigSchema } from "./index.ts";

describe("system configuration", () => {
  it("the defaults are a valid configuration", () => {
    expect(systemConfigSchema.parse(DEFAULT_SYSTEM_CONFIG)).toEqual(DEFAULT_SYSTEM_CONFIG);
  });

  it("settings stored before security existed parse with the rule off", () => {
    const { security: _added, ...older } = DEFAULT_SYSTEM_CONFIG;
    expect(systemConfigSchema.parse(older).security).toEqual({ require_admin_2fa: false });
  });

  it("admin's schema refuses unknown settings; a consumer's reader ignores them", () => {
    const newer = { ...DEFAULT_SYSTEM_CONFIG, fraud_rules: { enabled: true } };
    expect(systemConfigSchema.safeParse(newer).success).toBe(false);
    const read = publicConfigSchema.parse({ version: 3, settings: newer });
    expect(read.settings.supported_currencies).toEqual(DEFAULT_SYSTEM_CONFIG.supported_currencies);
    expect(Object.keys(read.settings)).not.toContain("fraud_rules");
  });

  it("the reader still refuses what a consumer cannot act on", () => {
    const bad = { version: 1, settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: ["USD"] } };
    expect(publicConfigSchema.safeParse(bad).success).toBe(false);
  });

  it("limits: a currency's override, else the default", () => {
    const limits = {
      default: { min_amount: 1, max_amount: 1000 },
      per_currency: { jpy: { min_amount: 50, max_amount: 100_000 } },
    };
    expect(paymentLimitsFor(limits, "jpy")).toEqual({ min_amount: 50, max_amount: 100_000 });
    expect(paymentLimitsFor(limits, "usd")).toEqual({ min_amount: 1, max_amount: 1000 });
    expect(paymentLimitsFor(limits, "constructor")).toEqual({ min_amount: 1, max_amount: 1000 });
  });
});
