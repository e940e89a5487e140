import { z } from "zod";

/** Pieces the auth contract files share (not re-exported: they are no API of their own). */

/**
 * A password as a request carries it. The bound only keeps huge bodies away from argon2; the password
 * policy (8–128 characters, not a common or guessable one) is the domain's call: 400 `password_*`.
 */
export const passwordField = z.string().min(1).max(512);

/** Refuses a list query with both cursors (400 naming `ending_before`), as every list does. */
export function oneCursorAtMost<T extends { starting_after?: unknown; ending_before?: unknown }>(
  schema: z.ZodType<T>,
) {
  return schema.refine((q) => !(q.starting_after && q.ending_before), {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  });
}
