// The schema lives in @payments/contracts: the payments service and the frontends read the same settings.
import { DEFAULT_SYSTEM_CONFIG, type SystemConfig } from "@payments/contracts";

export { DEFAULT_SYSTEM_CONFIG, type SystemConfig, systemConfigSchema } from "@payments/contracts";

/**
 * Stored settings with today's defaults for settings added since they were stored (`security` came with
 * docs/adr/0018): every top-level setting has a default, so a shallow merge is enough.
 */
export function withDefaults(stored: SystemConfig): SystemConfig {
  return { ...DEFAULT_SYSTEM_CONFIG, ...stored };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Dotted paths of the leaves that differ between two configurations (`payment_limits.default.max_amount`);
 * arrays count as one leaf. Sorted, so the same change always names the same keys.
 */
export function changedKeys(before: unknown, after: unknown, prefix = ""): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const changed: string[] = [];
    for (const key of keys) {
      changed.push(...changedKeys(before[key], after[key], prefix ? `${prefix}.${key}` : key));
    }
    return changed.sort();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || "(root)"];
}
