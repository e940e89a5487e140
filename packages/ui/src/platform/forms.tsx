import {
  ApiError,
  describeError,
  type FormModule,
  formValues,
  loadForms,
  validateForm,
} from "@payments/api-client";
import { type FormEvent, use, useCallback, useRef, useState } from "react";
import type { z } from "zod";
import { Alert } from "../components/Feedback.tsx";

/**
 * The form schemas (`loadForms`): fetched when the first form renders, which suspends until then (every
 * page renders inside a Suspense boundary).
 */
export function useFormSchemas(): FormModule {
  return use(loadForms());
}

/** State and submit handler of a form validated by a zod schema. */
export interface ZodForm {
  /** One message per field name. */
  errors: Record<string, string>;
  /** The last submit failure (shown with {@link ErrorNotice}). */
  failure: unknown;
  submitting: boolean;
  /** Resolves true when the form was valid and `submit` succeeded. */
  onSubmit(event: FormEvent<HTMLFormElement>): Promise<boolean>;
}

/**
 * Validates a form with `schema` (mirroring the API's) on submit and calls `submit` with the parsed body.
 * A synchronous guard drops a second submit while the first runs, before React re-renders the disabled
 * button; an API error that names a field (`param`) is shown on that field.
 */
export function useZodForm<S extends z.ZodType>(
  schema: S,
  submit: (data: z.output<S>) => Promise<void>,
): ZodForm {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [submitting, setSubmitting] = useState(false);
  const busy = useRef(false);

  const onSubmit = useCallback(
    async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      if (busy.current) return false;
      const form = event.currentTarget;
      const result = validateForm(schema, formValues(new FormData(form)));
      if (!result.ok) {
        setErrors(result.errors);
        const first = Object.keys(result.errors)[0];
        const field = first ? form.elements.namedItem(first) : null;
        if (field instanceof HTMLElement) field.focus();
        return false;
      }
      busy.current = true;
      setErrors({});
      setFailure(undefined);
      setSubmitting(true);
      try {
        await submit(result.data);
        return true;
      } catch (error) {
        setFailure(error);
        if (error instanceof ApiError && error.param) setErrors({ [error.param]: error.message });
        return false;
      } finally {
        busy.current = false;
        setSubmitting(false);
      }
    },
    [schema, submit],
  );

  return { errors, failure, submitting, onSubmit };
}

/** An error in words a user understands, with the request id to quote to support, and an optional retry. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error === undefined || error === null) return null;
  const { title, detail, requestId } = describeError(error);
  return (
    <Alert
      tone="danger"
      title={title}
      actions={
        onRetry ? (
          <button type="button" className="ui-button ui-button--secondary ui-button--sm" onClick={onRetry}>
            Try again
          </button>
        ) : undefined
      }
    >
      <p>{detail}</p>
      {requestId ? (
        <p className="ui-hint">
          Reference: <span className="ui-mono">{requestId}</span>
        </p>
      ) : null}
    </Alert>
  );
}
