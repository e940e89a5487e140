import type { z } from "zod";

// Zod-free at run time (the schema brings its own parser), so the form hook is in the first load while the
// schemas themselves are fetched with the first form (see loadForms).

/** Result of {@link validateForm}: the parsed body, or one message per field. */
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** Validates form values with `schema`; errors keyed by the first path segment (the field name). */
export function validateForm<S extends z.ZodType>(schema: S, values: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "_form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Reads a form's text fields into a plain object (files are ignored; empty fields stay ""). */
export function formValues(data: Iterable<[string, unknown]>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of data) {
    if (typeof value === "string") values[key] = value;
  }
  return values;
}
