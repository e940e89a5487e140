import type { CSSProperties, ReactNode } from "react";
import { useId, useLayoutEffect, useRef, useState } from "react";

type Space = 1 | 2 | 3 | 4 | 6 | 8;

/** Vertical flow with a token gap. */
export function Stack({
  gap = 4,
  children,
  as: Tag = "div",
}: {
  gap?: Space;
  children: ReactNode;
  as?: "div" | "section" | "form" | "ul";
}) {
  return (
    <Tag className="ui-stack" style={{ gap: `var(--ui-space-${gap})` }}>
      {children}
    </Tag>
  );
}

/** Horizontal wrap (buttons, filters) with a token gap. */
export function Cluster({
  gap = 2,
  children,
  justify,
}: {
  gap?: Space;
  children: ReactNode;
  justify?: CSSProperties["justifyContent"];
}) {
  return (
    <div className="ui-cluster" style={{ gap: `var(--ui-space-${gap})`, justifyContent: justify }}>
      {children}
    </div>
  );
}

/**
 * Responsive grid of equal columns (tiles, charts): one column on a phone, or two with `compact` (headline
 * numbers, which are short).
 */
export function Grid({ children, compact = false }: { children: ReactNode; compact?: boolean }) {
  return <div className={compact ? "ui-grid ui-grid--compact" : "ui-grid"}>{children}</div>;
}

/** A page's `h1`, a short description and its main actions. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="ui-page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? (
        <div className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
          {actions}
        </div>
      ) : null}
    </header>
  );
}

/** A titled surface; the heading names the region for assistive technology. */
export function Card({
  title,
  actions,
  children,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="ui-card" aria-labelledby={title ? id : undefined}>
      {title || actions ? (
        <div className="ui-card__header">
          {title ? <h2 id={id}>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

/** A headline number. */
export function Stat({ label, value }: { label: ReactNode; value: ReactNode }) {
  return (
    <div className="ui-card ui-stat">
      <span className="ui-hint">{label}</span>
      <span className="ui-stat__value">{value}</span>
    </div>
  );
}

/**
 * A horizontally scrollable frame (a wide table on a phone). While its content is wider than it, the frame
 * is a named, focusable region, so a keyboard can scroll it too (WCAG 2.1.1; axe's
 * `scrollable-region-focusable`); while everything fits it is a plain box and adds no tab stop.
 */
export function ScrollFrame({ labelledBy, children }: { labelledBy?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const frame = ref.current;
    if (!frame) return;
    const check = () => setScrolls(frame.scrollWidth > frame.clientWidth + 1);
    check();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(check);
    observer.observe(frame);
    if (frame.firstElementChild) observer.observe(frame.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      className="ui-table-wrap"
      {...(scrolls ? { tabIndex: 0, role: "region", "aria-labelledby": labelledBy } : {})}
    >
      {children}
    </div>
  );
}

/**
 * A semantic table in a horizontally scrollable frame (wide tables stay usable on a phone). With `stack`,
 * its rows become cards on a phone instead (cells classed `ui-cell--end` go to the card's right column).
 * `hideCaption` keeps the caption for assistive technology only (a heading above already says it).
 */
export function Table({
  caption,
  children,
  stack = false,
  hideCaption = false,
}: {
  caption: ReactNode;
  children: ReactNode;
  stack?: boolean;
  hideCaption?: boolean;
}) {
  const id = useId();
  return (
    <ScrollFrame labelledBy={id}>
      <table className={stack ? "ui-table ui-table--stack" : "ui-table"}>
        <caption id={id} className={hideCaption ? "ui-visually-hidden" : undefined}>
          {caption}
        </caption>
        {children}
      </table>
    </ScrollFrame>
  );
}
