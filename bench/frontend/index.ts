/**
 * Frontend bundle report (not a timed test): what a signed-in customer's first visit to /payments loads —
 * shell + payments remote — measured in Debian's Chromium against the built apps served by the platform:
 * JS files and bytes (raw and gzipped), federation requests (remote entries and remote chunks), all
 * requests, and Largest Contentful Paint on localhost. Targets (issue 7): ≤ 150 KB gzipped JS, ≤ 10
 * federation requests, LCP ≤ 800 ms. Run: `bun bench/frontend/index.ts` (or `bun run bench frontend`).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { startPlatform } from "./platform.ts";

const root = new URL("../..", import.meta.url).pathname;
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

if (!existsSync("/usr/bin/chromium")) {
  console.log("no Chromium at /usr/bin/chromium (apt-get install chromium): frontend benchmark skipped");
  process.exit(0);
}
if (!["shell", "auth", "payments", "admin"].every((a) => existsSync(join(root, "frontends", a, "dist")))) {
  console.log("building the frontends (bun run build:frontends)");
  Bun.spawnSync(["bun", "run", "build:frontends"], { cwd: root, stdout: "inherit", stderr: "inherit" });
}

const scratch = mkdtempSync(join(tmpdir(), "bench-frontend-"));
const platform = await startPlatform(scratch);
try {
  const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const register = await fetch(`${platform.origin}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email,
      password: "bench passphrase long enough",
      name: "Bench",
      role: "customer",
    }),
  });
  const cookie =
    (register.headers.getSetCookie().find((c) => c.startsWith("refresh_token=")) ?? "").split(";")[0] ?? "";
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  try {
    const context = await browser.newContext({ serviceWorkers: "block" });
    // The session a returning customer has: the refresh cookie (the shell trades it for a token on load).
    await context.addCookies([
      {
        name: "refresh_token",
        value: cookie.slice("refresh_token=".length),
        domain: "localhost",
        path: "/api/auth",
        httpOnly: true,
        secure: true,
        sameSite: "Strict",
      },
    ]);
    const page = await context.newPage();
    const js: Array<{ url: string; raw: number; gzip: number }> = [];
    let requests = 0;
    let federation = 0;
    page.on("response", async (res) => {
      requests++;
      const url = new URL(res.url());
      if (url.pathname.startsWith("/remotes/") || url.pathname.includes("remoteEntry")) federation++;
      if ((res.headers()["content-type"] ?? "").includes("javascript")) {
        const body = await res.body().catch(() => Buffer.alloc(0));
        js.push({ url: url.pathname, raw: body.length, gzip: Bun.gzipSync(new Uint8Array(body)).length });
      }
    });
    await page.goto(`${platform.origin}/payments`, { waitUntil: "networkidle" });
    await page
      .getByRole("heading", { name: /Payments/ })
      .first()
      .waitFor();
    // A string, evaluated in the page: this file is type-checked with Bun's declarations, not the DOM's.
    const lcp = Number(
      await page.evaluate(`new Promise((resolve) => {
        new PerformanceObserver((list) => resolve(list.getEntries().at(-1)?.startTime ?? NaN))
          .observe({ type: "largest-contentful-paint", buffered: true });
        setTimeout(() => resolve(NaN), 3000);
      })`),
    );
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const raw = js.reduce((s, f) => s + f.raw, 0);
    const gzip = js.reduce((s, f) => s + f.gzip, 0);
    console.log("First load of /payments for a signed-in customer (shell + payments remote), cold cache\n");
    console.log("| measure | value | target |");
    console.log("|---|---|---|");
    console.log(`| JS files | ${js.length} | — |`);
    console.log(`| JS bytes (raw) | ${kb(raw)} | — |`);
    console.log(`| JS bytes (gzipped) | ${kb(gzip)} | ≤ 150 KB ${gzip <= 150 * 1024 ? "✓" : "✗"} |`);
    console.log(
      `| federation requests (/remotes/…) | ${federation} | ≤ 10 ${federation <= 10 ? "✓" : "✗"} |`,
    );
    console.log(`| all requests | ${requests} | — |`);
    console.log(
      `| LCP (localhost) | ${Number.isNaN(lcp) ? "n/a" : `${Math.round(lcp)} ms`} | ≤ 800 ms ${lcp <= 800 ? "✓" : "✗"} |`,
    );
    console.log("\nLargest JS files (gzipped):");
    for (const f of js.sort((a, b) => b.gzip - a.gzip).slice(0, 8))
      console.log(`  ${kb(f.gzip).padStart(9)}  ${f.url}`);
  } finally {
    await browser.close();
  }
} finally {
  await platform.stop();
  rmSync(scratch, { recursive: true, force: true });
}
