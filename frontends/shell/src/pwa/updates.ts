/** How often an open app asks whether a new version was deployed. */
export const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** The part of a registration the check uses. */
export interface UpdatableRegistration {
  installing: unknown;
  update(): Promise<unknown>;
}

/** What the check needs from the browser (injected so tests drive time and the network). */
export interface UpdateCheckDeps {
  fetch(url: string, init: RequestInit): Promise<Response>;
  online(): boolean;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/**
 * Every hour, while online and with no update already installing, asks the browser to fetch the worker
 * again. A tab left open for days then sees a deploy and the update prompt offers it (registerType
 * "prompt": never a reload in the middle of a form). The worker file is probed first so that a server
 * that is down does not make `update()` reject (which logs an error) every hour.
 */
export function checkForUpdatesHourly(
  swUrl: string,
  registration: UpdatableRegistration,
  deps: UpdateCheckDeps,
): () => void {
  const check = async () => {
    if (registration.installing || !deps.online()) return;
    try {
      const probe = await deps.fetch(swUrl, { cache: "no-store", headers: { "cache-control": "no-cache" } });
      if (probe.status === 200) await registration.update();
    } catch {
      // Offline or the server is down: the next hour will tell.
    }
  };
  const handle = deps.setInterval(() => void check(), UPDATE_CHECK_MS);
  return () => deps.clearInterval(handle);
}

/** {@link checkForUpdatesHourly} with the browser's fetch, timers and `navigator.onLine`. */
export function browserUpdateCheck(swUrl: string, registration: UpdatableRegistration): () => void {
  return checkForUpdatesHourly(swUrl, registration, {
    fetch: (url, init) => window.fetch(url, init),
    online: () => navigator.onLine,
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (handle) => window.clearInterval(handle as number),
  });
}
