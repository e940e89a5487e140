/**
 * One measured first visit of an entry page, cold browser cache: what JavaScript it downloads (raw, on
 * the wire, and gzipped here), how many requests (federation ones apart), and the page's First and Largest Contentful Paint as
 * Chromium reports them. A signed-in visit carries what a returning browser holds: the refresh cookie and
 * the presence cookie (docs/adr/0021), which the shell trades for an access token on load.
 */
import type { Browser, BrowserContext } from "@playwright/test";
import type { Session, Viewer } from "./accounts.ts";

/** A page people land on first, and who opens it. */
export interface Entry {
  name: string;
  path: string;
  viewer: Viewer;
  /** The page's `h1`: it has loaded when this shows. */
  heading: RegExp | string;
}

/** One JavaScript response of the visit. */
export interface JsFile {
  url: string;
  raw: number;
  /** Bytes of the body as sent (Caddy's or the build's encoding): what the budget counts. */
  wire: number;
  /** The body gzipped here (level 6): the measure of earlier reports, independent of the server. */
  gzip: number;
}

/** What one visit measured. */
export interface Visit {
  js: JsFile[];
  requests: number;
  federation: number;
  fcp: number;
  lcp: number;
}

// Evaluated in the page (a string: this file is type-checked with Bun's declarations, not the DOM's).
const PAINTS = `new Promise((resolve) => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
  new PerformanceObserver((list) => resolve({ fcp, lcp: list.getEntries().at(-1)?.startTime ?? NaN }))
    .observe({ type: "largest-contentful-paint", buffered: true });
  setTimeout(() => resolve({ fcp, lcp: NaN }), 3000);
})`;

/** Gives `context` a returning browser's session cookies for `origin`. */
export async function addSession(context: BrowserContext, origin: string, session: Session): Promise<void> {
  const { hostname } = new URL(origin);
  const common = { domain: hostname, secure: true, sameSite: "Strict" as const };
  await context.addCookies([
    { ...common, name: "refresh_token", value: session.refreshToken, path: "/api/auth", httpOnly: true },
    { ...common, name: "has_session", value: "1", path: "/" },
  ]);
}

/** Opens `entry` in a fresh context (cold cache, service workers blocked) with `session` when signed in. */
export async function visit(
  browser: Browser,
  origin: string,
  entry: Entry,
  session: Session | undefined,
): Promise<Visit> {
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    if (session) await addSession(context, origin, session);
    const page = await context.newPage();
    const bodies: Array<Promise<JsFile | undefined>> = [];
    let requests = 0;
    let federation = 0;
    page.on("response", (res) => {
      requests++;
      const url = new URL(res.url());
      if (url.pathname.startsWith("/remotes/") || url.pathname.includes("remoteEntry")) federation++;
      if (!(res.headers()["content-type"] ?? "").includes("javascript")) return;
      bodies.push(
        Promise.all([res.body(), res.request().sizes()])
          .then(([body, sizes]) => ({
            url: url.pathname,
            raw: body.length,
            wire: sizes.responseBodySize,
            gzip: Bun.gzipSync(new Uint8Array(body)).length,
          }))
          .catch(() => undefined),
      );
    });
    // A file lost mid-load (net::ERR_NETWORK_CHANGED when another stack here changes the network) makes a
    // visit that measures less than the page: it fails, and is visited again (visitRetried).
    const lost: string[] = [];
    page.on("requestfailed", (req) => {
      if (["script", "stylesheet"].includes(req.resourceType())) lost.push(new URL(req.url()).pathname);
    });
    await page.goto(`${origin}${entry.path}`, { waitUntil: "networkidle" });
    if (lost.length > 0) throw new Error(`${entry.name}: ${lost.length} files failed to load (${lost[0]})`);
    await page.getByRole("heading", { level: 1, name: entry.heading }).first().waitFor();
    const paints = (await page.evaluate(PAINTS)) as { fcp: number; lcp: number };
    const js = (await Promise.all(bodies)).filter((file): file is JsFile => file !== undefined);
    return { js, requests, federation, ...paints };
  } finally {
    await context.close();
  }
}

/** {@link visit}, again (up to 3 times) when a visit fails: a lost file or a page that never showed. */
export async function visitRetried(
  browser: Browser,
  origin: string,
  entry: Entry,
  session: () => Promise<Session | undefined>,
): Promise<Visit> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await visit(browser, origin, entry, await session());
    } catch (error) {
      if (attempt >= 3) throw error;
      console.error(`visit of ${entry.name} failed (${String(error).split("\n")[0]}); again`);
    }
  }
}
