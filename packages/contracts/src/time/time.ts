import { z } from "zod";

/**
 * ISO-8601 timestamp in UTC with the `Z` designator (`2025-01-31T12:00:00.000Z`), as every API response and
 * event carries it; offsets are rejected so that string order equals time order.
 */
export const timestampSchema = z.iso.datetime({ offset: false, local: false });

/** The current time as a {@link timestampSchema} string. */
export function nowIso(): string {
  return new Date().toISOString();
}
