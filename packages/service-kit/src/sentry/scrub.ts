/** What replaces a secret. Sentry's own convention, so its UI shows it as filtered. */
export const FILTERED = "[Filtered]";

// Matched against keys anywhere in the value: header names, body fields, cookie names, context keys.
const SECRET_KEY =
  /authorization|cookie|passw(or)?d|token|secret|api[-_]?key|private[-_]?key|credential|signature|^cvc$|^cvv$|card[-_]?number|^dsn$/i;
const BEARER_VALUE = /^\s*(bearer|basic)\s+\S+/i;
// Serialised JSON bodies (what SDKs attach as `request.data`) are parsed and scrubbed like objects.
const MAX_JSON_STRING = 256 * 1024;

/** True when a key names a secret (`authorization`, `set-cookie`, `password`, `refresh_token`, …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Deep copy of `value` with the value of every secret-looking key replaced by `[Filtered]`, at any depth,
 * case-insensitively; bearer/basic credentials are filtered wherever they appear, and strings holding a JSON
 * object are scrubbed inside. Cycles are cut. Used by Sentry's `beforeSend`/`beforeBreadcrumb`.
 */
export function scrub<T>(value: T): T {
  return scrubValue(value, new WeakMap()) as T;
}

function scrubValue(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return scrubString(value);
  if (value === null || typeof value !== "object") return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    // Header lists in the `[name, value]` form keep the name in the first slot.
    const [name, pairValue] = value;
    if (
      value.length === 2 &&
      typeof name === "string" &&
      isSecretKey(name) &&
      typeof pairValue === "string"
    ) {
      copy.push(name, FILTERED);
      return copy;
    }
    for (const item of value) copy.push(scrubValue(item, seen));
    return copy;
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && item !== null && item !== undefined ? FILTERED : scrubValue(item, seen);
  }
  return copy;
}

function scrubString(value: string): string {
  if (BEARER_VALUE.test(value)) return FILTERED;
  const trimmed = value.trimStart();
  if (value.length > MAX_JSON_STRING || !(trimmed.startsWith("{") || trimmed.startsWith("["))) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return JSON.stringify(scrubValue(parsed, new WeakMap()));
  } catch {
    return value;
  }
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
