// The schema lives in @payments/contracts: the payments service and the frontends read the same settings.
export { DEFAULT_SYSTEM_CONFIG, type SystemConfig, systemConfigSchema } from "@payments/contracts";

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
