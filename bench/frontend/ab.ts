/**
 * Two builds of the frontends side by side in one run, interleaved, on the same platform: how long the
 * main thread is blocked while a page loads (the sum of each long task's time over 50 ms, Lighthouse's
 * Total Blocking Time counted over the first seconds, and the longest task) and when the content painted
 * (Largest Contentful Paint). On a shared machine a single
 * Lighthouse figure says more about the neighbours than about the page (docs/adr/0036); two builds measured
 * turn about under the same load give a ratio that does not.
 *
 * Run: `bun bench/frontend/ab.ts <dir>` where `<dir>` holds another build's `shell/`, `auth/`, `payments/`
 * and `admin/` `dist` folders (copy them aside before changing the code). Build A is `<dir>`, build B the
 * working tree's `frontends/<app>/dist`. Both are served from disk by Playwright's request routing (the same
 * path for both, uncompressed), the API by the platform behind Caddy. Options: `--rounds=N` (default 5),
 * `--cpu=N` (Chromium's CPU slowdown, 1 by default; 4 is Lighthouse's phone).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { extname, join } from "node:path";
import { type Browser, chromium, type Route } from "@playwright/test";
import { payment, register, type Session, signIn, type Viewer } from "./accounts.ts";
import { median } from "./lighthouse-section.ts";
import { startPlatform } from "./platform.ts";
import { addSession } from "./visit.ts";

const root = new URL("../..", import.meta.url).pathname;
const other = Bun.argv[2];
if (!other || !existsSync(join(other, "shell", "index.html"))) {
  console.log("usage: bun bench/frontend/ab.ts <dir with shell/ auth/ payments/ admin/ builds>");
  process.exit(1);
}
const option = (name: string, fallback: number) =>
  Number(Bun.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const ROUNDS = option("rounds", 5);
const CPU = option("cpu", 1);
/** How long after the navigation long tasks are counted (the pages settle well within it). */
const WINDOW_MS = 6_000;

const BUILDS = { A: other, B: join(root, "frontends") } as const;
type Build = keyof typeof BUILDS;
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".html": "text/html",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".webmanifest": "application/manifest+json",
};

/** The file of `build` that answers `pathname` (the gateway's layout: remotes under /remotes/<name>/). */
function fileFor(build: Build, pathname: string): string | undefined {
  const dir = (app: string) => (build === "A" ? join(BUILDS.A, app) : join(BUILDS.B, app, "dist"));
  const remote = pathname.match(/^\/remotes\/(auth|payments|admin)\/(.+)$/);
  if (remote?.[1] && remote[2]) return join(dir(remote[1]), remote[2]);
  if (pathname.startsWith("/api/") || pathname.startsWith("/health")) return undefined;
  const file = join(dir("shell"), pathname);
  if (pathname !== "/" && existsSync(file) && extname(file)) return file;
  // Every other path is the single-page app's document.
  return join(dir("shell"), "index.html");
}

function serveFrom(build: Build) {
  return async (route: Route) => {
    const url = new URL(route.request().url());
    const file = fileFor(build, url.pathname);
    // The service worker would serve the next visit from its cache: not what a first load measures.
    if (!file || url.pathname === "/sw.js") return route.continue();
    if (!existsSync(file)) return route.fulfill({ status: 404, body: "" });
    return route.fulfill({
      status: 200,
      body: readFileSync(file),
      headers: { "content-type": TYPES[extname(file)] ?? "application/octet-stream" },
    });
  };
}

// Collects long tasks from the start of the document (a string: this file is typed without the DOM's).
const OBSERVE = `window.__longTasks = []; window.__lcp = NaN;
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
  .observe({ type: "longtask", buffered: true });
new PerformanceObserver((list) => { window.__lcp = list.getEntries().at(-1)?.startTime ?? NaN; })
  .observe({ type: "largest-contentful-paint", buffered: true });`;

interface Sample {
  blocking: number;
  longest: number;
  /** Largest Contentful Paint: slicing the render must not delay the page's content. */
  lcp: number;
}

async function measure(
  browser: Browser,
  origin: string,
  build: Build,
  path: string,
  session: Session | undefined,
): Promise<Sample> {
  const context = await browser.newContext({
    serviceWorkers: "block",
    viewport: { width: 1350, height: 940 },
  });
  try {
    if (session) await addSession(context, origin, session);
    await context.route(`${origin}/**`, serveFrom(build));
    await context.addInitScript(OBSERVE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    if (CPU > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU });
    await page.goto(`${origin}${path}`);
    await page.waitForTimeout(WINDOW_MS);
    const tasks = (await page.evaluate("window.__longTasks")) as Array<[number, number]>;
    const counted = tasks.filter(([start]) => start < WINDOW_MS);
    const lcp = Number(await page.evaluate("window.__lcp"));
    return {
      lcp,
      blocking: counted.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0),
      longest: Math.max(0, ...counted.map(([, duration]) => duration)),
    };
  } finally {
    await context.close();
  }
}

const scratch = mkdtempSync(join(tmpdir(), "bench-frontend-ab-"));
const platform = await startPlatform(scratch);
try {
  const customer = await register(platform, "customer");
  const vendor = await register(platform, "vendor");
  const detail = await payment(platform, customer, vendor);
  const people = { customer, vendor, admin: "admin" as const };
  const sessionFor = (viewer: Viewer) =>
    viewer === "anonymous" ? Promise.resolve(undefined) : signIn(platform, people[viewer]);
  const pages: Array<[string, string, Viewer]> = [
    ["sign-in", "/account/login", "anonymous"],
    ["payments", "/payments", "customer"],
    ["payment", `/payments/${detail}`, "customer"],
    ["new payment", "/payments/new", "customer"],
    ["admin dashboard", "/admin", "admin"],
  ];
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", `--ignore-certificate-errors-spki-list=${platform.spkis.join(",")}`],
  });
  const loadBefore = loadavg()[0] ?? 0;
  console.log(
    `Main thread blocked while loading, build A (${other}) against B (the working tree), ${ROUNDS} interleaved rounds, CPU slowdown ${CPU}×; medians\n`,
  );
  console.log("| page | A blocking | B blocking | B / A | A longest task | B longest task | A LCP | B LCP |");
  console.log("|---|---|---|---|---|---|---|---|");
  try {
    for (const [name, path, viewer] of pages) {
      const samples: Record<Build, Sample[]> = { A: [], B: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Turn about, and which goes first alternates, so neither always meets the busier moment.
        const order: Build[] = round % 2 === 0 ? ["A", "B"] : ["B", "A"];
        for (const build of order)
          samples[build].push(await measure(browser, platform.origin, build, path, await sessionFor(viewer)));
      }
      const m = (build: Build, key: keyof Sample) => median(samples[build].map((s) => s[key]));
      const ratio = m("A", "blocking") > 0 ? (m("B", "blocking") / m("A", "blocking")).toFixed(2) : "n/a";
      console.log(
        `| ${name} | ${Math.round(m("A", "blocking"))} ms | ${Math.round(m("B", "blocking"))} ms | ${ratio} | ${Math.round(m("A", "longest"))} ms | ${Math.round(m("B", "longest"))} ms | ${Math.round(m("A", "lcp"))} ms | ${Math.round(m("B", "lcp"))} ms |`,
      );
    }
  } finally {
    await browser.close();
  }
  console.log(
    `\nLoad average (1 min): ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`,
  );
} finally {
  await platform.stop();
  rmSync(scratch, { recursive: true, force: true });
}
