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
  const schemaOf = useCallback(() => schema, [schema]);
  return useFormSubmit(schemaOf, submit);
}

/** A {@link ZodForm} whose schema arrives later, and the way to ask for it early. */
export interface LazyZodForm extends ZodForm {
  /** Starts fetching the schemas (put it on the form's `onFocus`: the first field a person touches). */
  prefetch(): void;
}

/**
 * {@link useZodForm} for the pages people land on first (sign-in): the form renders at once, without
 * suspending for the schemas, which are fetched when a field is first focused (`prefetch`) or at the latest
 * on submit. The first load of such a page then carries no zod (issue 21: sign-in ≤ 150 KB); the form is
 * validated with the same contract schemas as every other.
 */
export function useLazyZodForm<K extends SchemaName>(
  name: K,
  submit: (data: z.output<Extract<FormModule[K], z.ZodType>>) => Promise<void>,
): LazyZodForm {
  return useLazyZodFormOf((forms: FormModule) => forms[name] as Extract<FormModule[K], z.ZodType>, submit);
}

/**
 * {@link useLazyZodForm} with a schema made from the module (`(forms: FormModule) => forms.paymentFormSchema(locale)`);
 * the latest `select` is used at submit time.
 */
export function useLazyZodFormOf<S extends z.ZodType>(
  select: (forms: FormModule) => S,
  submit: (data: z.output<S>) => Promise<void>,
): LazyZodForm {
  // Usually written inline: read the latest one without changing the submit handler on every render.
  const selectRef = useRef(select);
  selectRef.current = select;
  const schemaOf = useCallback(() => loadForms().then((forms) => selectRef.current(forms)), []);
  const form = useFormSubmit(schemaOf, submit);
  const prefetch = useCallback(() => {
    // A failed fetch is forgotten by loadForms; submit asks again and shows the failure.
    loadForms().catch(() => undefined);
  }, []);
  return { ...form, prefetch };
}

/** The names of the form module's schemas. */
export type SchemaName = {
  [K in keyof FormModule]: FormModule[K] extends z.ZodType ? K : never;
}[keyof FormModule];

function useFormSubmit<S extends z.ZodType>(
  schemaOf: () => S | Promise<S>,
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
      // Read before any await: React clears currentTarget once the handler has returned.
      const form = event.currentTarget;
      const values = formValues(new FormData(form));
      busy.current = true;
      try {
        const pending = schemaOf();
        let schema: S;
        try {
          schema = pending instanceof Promise ? await pending : pending;
        } catch (error) {
          setFailure(error);
          return false;
        }
        const result = validateForm(schema, values);
        if (!result.ok) {
          setErrors(result.errors);
          const first = Object.keys(result.errors)[0];
          const field = first ? form.elements.namedItem(first) : null;
          if (field instanceof HTMLElement) field.focus();
          return false;
        }
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
          setSubmitting(false);
        }
      } finally {
        busy.current = false;
      }
    },
    [schemaOf, submit],
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
