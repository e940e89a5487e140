import { newIdempotencyKey } from "@payments/api-client";
import { useCallback, useRef } from "react";

/**
 * One idempotency key per submit (ARCHITECTURE §3). Submitting the same body again — a double click, or
 * "try again" after a network error whose outcome is unknown — reuses the key, so the server replays the
 * first result instead of paying twice; a different body gets a new key.
 */
export function useIdempotencyKey(): { keyFor(body: unknown): string; reset(): void } {
  const current = useRef<{ key: string; body: string } | undefined>(undefined);
  const keyFor = useCallback((body: unknown) => {
    const text = JSON.stringify(body);
    if (current.current?.body !== text) current.current = { key: newIdempotencyKey(), body: text };
    return current.current.key;
  }, []);
  const reset = useCallback(() => {
    current.current = undefined;
  }, []);
  return { keyFor, reset };
}
