import { createAnalytics } from "@payments/api-client";
import { act, cleanup, render, screen } from "@testing-library/react";
import { MemoryRouter, useNavigate } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startAnalyticsFlushing, usePageViews } from "../observability/analytics.ts";
import { startWebVitals } from "../observability/web-vitals.ts";
import { AfterPageLoad, whenPageSettled } from "./AfterPageLoad.tsx";
import { startOfflineSupport } from "./offline.ts";
import { browserUpdateCheck } from "./updates.ts";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("work deferred until the page has settled", () => {
  it("waits for load, the delay and an idle moment, then renders", async () => {
    vi.useFakeTimers();
    let settled = false;
    void whenPageSettled(3_000).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(2_900);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2_200); // the delay, then requestIdleCallback's 2 s timeout at most
    expect(settled).toBe(true);

    render(
      <AfterPageLoad>
        <p>later</p>
      </AfterPageLoad>,
    );
    expect(screen.queryByText("later")).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(5_100));
    expect(screen.getByText("later")).toBeTruthy();
  });
});

describe("analytics in the page", () => {
  it("flushes every 10 s and when the page is hidden or left", async () => {
    vi.useFakeTimers();
    const flush = vi.fn();
    const stop = startAnalyticsFlushing({ flush, track: () => {}, event: () => {}, pending: () => 0 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(flush).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event("pagehide"));
    expect(flush).toHaveBeenCalledTimes(2);
    stop();
    await vi.advanceTimersByTimeAsync(20_000);
    window.dispatchEvent(new Event("pagehide"));
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it("records a page view per route, by template", async () => {
    const sent: string[] = [];
    const analytics = createAnalytics({ send: (_url, body) => sent.push(body) > 0 });
    let go: ((path: string) => void) | undefined;
    function Probe() {
      usePageViews(analytics);
      const navigate = useNavigate();
      go = (path) => void navigate(path);
      return null;
    }
    render(
      <MemoryRouter initialEntries={["/payments"]}>
        <Probe />
      </MemoryRouter>,
    );
    act(() => go?.("/payments/pay_01j9z3k7m8n9p0q1r2s3t4v5w6"));
    analytics.flush();
    expect(JSON.parse(sent[0] ?? "{}").events).toEqual([
      { type: "page_view", route: "/payments" },
      { type: "page_view", route: "/payments/:id" },
    ]);
  });

  it("loads web-vitals and starts its observers without failing where the browser lacks them", async () => {
    const analytics = createAnalytics({ send: () => true });
    await expect(startWebVitals(analytics)).resolves.toBeUndefined();
  });
});

describe("browser wiring of the offline helpers", () => {
  it("checks for a worker update with the browser's timers, and stops", async () => {
    vi.useFakeTimers();
    const update = vi.fn(async () => undefined);
    const fetch = vi.spyOn(window, "fetch").mockResolvedValue(new Response("", { status: 200 }));
    const stop = browserUpdateCheck("/sw.js", { installing: null, update });
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(fetch).toHaveBeenCalledWith("/sw.js", expect.objectContaining({ cache: "no-store" }));
    expect(update).toHaveBeenCalledOnce();
    stop();
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(update).toHaveBeenCalledOnce();
  });

  it("listens to the window's online event by default", () => {
    vi.useFakeTimers();
    const refetch = vi.fn();
    startOfflineSupport({
      session: { getState: () => ({ status: "signed_out" }), subscribe: () => () => {} },
      stale: { clear: () => {}, list: () => [{ path: "/api/payments", cachedAt: undefined }] },
      refetch,
    });
    window.dispatchEvent(new Event("online"));
    expect(refetch).toHaveBeenCalledOnce();
  });
});
