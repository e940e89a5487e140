import type { ReactNode } from "react";
import { cx } from "./cx.ts";

/** Tone of an alert or badge. */
export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

/** Props of {@link Alert}. */
export interface AlertProps {
  tone?: Exclude<Tone, "neutral">;
  title: ReactNode;
  children?: ReactNode;
  /** Extra controls (a retry button). */
  actions?: ReactNode;
}

/** A message block; danger alerts are announced at once (`role="alert"`), others politely (`status`). */
export function Alert({ tone = "info", title, children, actions }: AlertProps) {
  return (
    <div className={cx("ui-alert", `ui-alert--${tone}`)} role={tone === "danger" ? "alert" : "status"}>
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
      {actions ? (
        <div className="ui-cluster" style={{ gap: "var(--ui-space-2)", marginTop: "var(--ui-space-2)" }}>
          {actions}
        </div>
      ) : null}
    </div>
  );
}

/** A small label; the tone adds colour, the text carries the meaning (never colour alone). */
export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={cx("ui-badge", `ui-badge--${tone}`)}>{children}</span>;
}

/** A spinner with an accessible name. */
export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span role="status" className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
      <span className="ui-spinner" aria-hidden="true" />
      <span>{label}…</span>
    </span>
  );
}

/**
 * A lazily loaded chart's place while its code arrives: as tall as the chart will be, so that nothing below
 * moves when it appears (a layout shift, which Lighthouse counts against the page).
 */
export function ChartPlaceholder({
  height,
  label = "Loading the chart",
}: {
  height: number;
  label?: string;
}) {
  return (
    <div style={{ minHeight: height, display: "grid", placeItems: "center" }}>
      <Spinner label={label} />
    </div>
  );
}

/** What to show when a list is empty. */
export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="ui-empty">{children}</div>;
}

/** Text for screen readers only. */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="ui-visually-hidden">{children}</span>;
}
