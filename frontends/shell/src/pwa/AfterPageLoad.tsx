import { type ReactNode, useEffect, useState } from "react";

/**
 * Resolves `delayMs` after the page's load event, once the browser is idle: late enough that the first
 * visit's own downloads and rendering (remotes, API calls) have had the network and the CPU to themselves.
 */
export function whenPageSettled(delayMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    const idle = () => {
      if (typeof window.requestIdleCallback === "function") {
        window.requestIdleCallback(() => resolve(), { timeout: 2_000 });
      } else resolve();
    };
    const afterLoad = () => window.setTimeout(idle, delayMs);
    if (document.readyState === "complete") afterLoad();
    else window.addEventListener("load", afterLoad, { once: true });
  });
}

/** Renders `children` once the page has settled: for work that serves later visits, not this one. */
export function AfterPageLoad({ children }: { children: ReactNode }) {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    let active = true;
    void whenPageSettled().then(() => {
      if (active) setSettled(true);
    });
    return () => {
      active = false;
    };
  }, []);
  return settled ? children : null;
}
