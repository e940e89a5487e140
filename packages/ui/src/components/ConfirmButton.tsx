import { type ReactNode, useId, useRef } from "react";
import { Button, type ButtonProps } from "./Button.tsx";

/** Props of {@link ConfirmButton}. */
export interface ConfirmButtonProps {
  /** The button's label. */
  children: ReactNode;
  /** The question the dialog asks. */
  title: ReactNode;
  /** What happens if confirmed. */
  description?: ReactNode;
  confirmLabel?: string;
  variant?: ButtonProps["variant"];
  size?: ButtonProps["size"];
  busy?: boolean;
  disabled?: boolean;
  onConfirm(): void;
}

/**
 * A button that asks first, in a native modal `<dialog>`: focus moves into it, Escape cancels, and focus
 * returns to the button afterwards — the browser does all of that for `showModal()`.
 */
export function ConfirmButton({
  children,
  title,
  description,
  confirmLabel = "Confirm",
  variant = "danger",
  size = "md",
  busy,
  disabled,
  onConfirm,
}: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <Button
        variant={variant}
        size={size}
        busy={busy ?? false}
        disabled={disabled ?? false}
        aria-haspopup="dialog"
        onClick={() => dialog.current?.showModal()}
      >
        {children}
      </Button>
      <dialog ref={dialog} className="ui-dialog" aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        {description ? <p>{description}</p> : null}
        <div className="ui-cluster" style={{ gap: "var(--ui-space-2)", justifyContent: "flex-end" }}>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            variant={variant}
            onClick={() => {
              close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
