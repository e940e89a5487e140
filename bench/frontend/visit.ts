/**
 * One measured first visit of `/payments` by a signed-in customer, cold browser cache: what JavaScript it
 * downloads (raw and gzipped), how many requests (federation ones apart), and the page's First and Largest
 * Contentful Paint as Chromium reports them.
 */
import type { Browser } from "@playwright/test";

/** One JavaScript response of the visit. */
export interface JsFile {
  url: string;
  raw: number;
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

/** Registers a fresh customer (refresh tokens rotate, so every visit needs its own) and returns its cookie. */
async function freshCustomer(origin: string): Promise<string> {
  const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const register = await fetch(`${origin}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email,
      password: "bench passphrase long enough",
      name: "Bench",
      role: "customer",
    }),
  });
  if (!register.ok) throw new Error(`register failed: ${register.status} ${await register.text()}`);
  const cookie = register.headers.getSetCookie().find((c) => c.startsWith("refresh_token=")) ?? "";
  return (cookie.split(";")[0] ?? "").slice("refresh_token=".length);
}

// Evaluated in the page (a string: this file is type-checked with Bun's declarations, not the DOM's).
const PAINTS = `new Promise((resolve) => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
  new PerformanceObserver((list) => resolve({ fcp, lcp: list.getEntries().at(-1)?.startTime ?? NaN }))
    .observe({ type: "largest-contentful-paint", buffered: true });
  setTimeout(() => resolve({ fcp, lcp: NaN }), 3000);
})`;

/** Opens `/payments` in a fresh context (cold cache, service workers blocked) with a customer's session. */
export async function visitPayments(browser: Browser, origin: string): Promise<Visit> {
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    // The session a returning customer has: the refresh cookie (the shell trades it for a token on load).
    await context.addCookies([
      {
        name: "refresh_token",
        value: await freshCustomer(origin),
        domain: "localhost",
        path: "/api/auth",
        httpOnly: true,
        secure: true,
        sameSite: "Strict",
      },
    ]);
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
        res
          .body()
          .then((body) => ({
            url: url.pathname,
            raw: body.length,
            gzip: Bun.gzipSync(new Uint8Array(body)).length,
          }))
          .catch(() => undefined),
      );
    });
    await page.goto(`${origin}/payments`, { waitUntil: "networkidle" });
    await page
      .getByRole("heading", { name: /Payments/ })
      .first()
      .waitFor();
    const paints = (await page.evaluate(PAINTS)) as { fcp: number; lcp: number };
    const js = (await Promise.all(bodies)).filter((file): file is JsFile => file !== undefined);
    return { js, requests, federation, ...paints };
  } finally {
    await context.close();
  }
}
