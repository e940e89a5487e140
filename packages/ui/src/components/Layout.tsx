import type { CSSProperties, ReactNode } from "react";
import { useId } from "react";

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

/** Responsive grid of equal columns (tiles, charts): one column on a phone. */
export function Grid({ children }: { children: ReactNode }) {
  return <div className="ui-grid">{children}</div>;
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

/** A semantic table in a horizontally scrollable frame (wide tables stay usable on a phone). */
export function Table({ caption, children }: { caption: ReactNode; children: ReactNode }) {
  return (
    <div className="ui-table-wrap">
      <table className="ui-table">
        <caption>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
