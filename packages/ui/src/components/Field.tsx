import {
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import { cx } from "./cx.ts";

interface FieldChrome {
  label: ReactNode;
  /** Shown under the control and linked with `aria-describedby`. */
  hint?: ReactNode;
  /** A validation message; marks the control `aria-invalid` and is read with it. */
  error?: string | undefined;
}

function describedBy(hintId: string, errorId: string, hint: ReactNode, error: string | undefined) {
  const ids = [hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(" ");
  return ids || undefined;
}

function FieldFrame({ id, label, hint, error, children }: FieldChrome & { id: string; children: ReactNode }) {
  return (
    <div className="ui-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="ui-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="ui-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Props of {@link TextField}. */
export interface TextFieldProps extends FieldChrome, Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  ref?: Ref<HTMLInputElement>;
}

/** A labelled text input with hint and error wired for screen readers. */
export function TextField({ label, hint, error, className, ...rest }: TextFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        {...rest}
        id={id}
        className={cx("ui-input", className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      />
    </FieldFrame>
  );
}

/** Props of {@link SelectField}. */
export interface SelectFieldProps extends FieldChrome, Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> {
  options: ReadonlyArray<{ value: string; label: string }>;
}

/** A labelled native select (native keeps keyboard and screen-reader behaviour for free). */
export function SelectField({ label, hint, error, options, className, ...rest }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select
        {...rest}
        id={id}
        className={cx("ui-input", className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** Props of {@link TextAreaField}. */
export interface TextAreaFieldProps
  extends FieldChrome,
    Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> {}

/** A labelled multi-line text input. */
export function TextAreaField({ label, hint, error, className, ...rest }: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        {...rest}
        id={id}
        className={cx("ui-input", className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      />
    </FieldFrame>
  );
}
