/**
 * Playwright: journeys in Debian's Chromium through Caddy's HTTPS edge, plus the API suites (fuzzing,
 * security) against the same running platform. `bun run e2e` from the repository root.
 */
import { defineConfig } from "@playwright/test";
import { caddyCaSpkis, edgeOrigin, prepareE2eEnv } from "./support/config.ts";

const env = await prepareE2eEnv();
const edge = edgeOrigin(env);
const spkis = caddyCaSpkis(env);

/** ARCHITECTURE §12: the Debian build, flags measured to work on these machines (no sandbox as root). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Trust this run's Caddy CA (see caddyCaSpkis); nothing else is trusted beyond the system's roots.
  ...(spkis.length > 0 ? [`--ignore-certificate-errors-spki-list=${spkis.join(",")}`] : []),
];

export default defineConfig({
  testDir: ".",
  outputDir: "test-results",
  // Each journey makes users of its own, so files run side by side; two workers match the two cores the
  // platform shares with the browsers (tests within a file run in order).
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  forbidOnly: env.ci,
  timeout: 60_000,
  // Two shared cores run two Chromiums, every service in one process, Postgres and Caddy: load average 8-9
  // measured during the run, and an API call then waits 4-5 s at times (traces of 2026-12-06). An
  // expectation that a page shows something gets 20 s; a broken page still fails, a slow one does not.
  expect: { timeout: 20_000 },
  // Eleven projects (journeys, accounts, 2FA, payments UI, fuzz, security) on two shared cores: 10 minutes
  // on a quiet machine, and 20 to 26 measured on 2026-12-06 (a11y over every page, a busier machine). The
  // limit catches a hung run, not a slow one: CI's own limit is 90 minutes.
  globalTimeout: 40 * 60_000,
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    baseURL: edge,
    // Caddy's `tls internal` CA is made fresh for every run: Chromium trusts it by key (launch args), and
    // API calls from the test process verify the chain against the root file. No certificate error is ignored.
    ignoreHTTPSErrors: false,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
    launchOptions: { executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS },
  },
  projects: [
    { name: "setup", testMatch: /journeys\/.*\.setup\.ts$/ },
    { name: "customer", testMatch: /journeys\/customer\/.*\.spec\.ts$/, dependencies: ["setup"] },
    { name: "vendor", testMatch: /journeys\/vendor\/.*\.spec\.ts$/, dependencies: ["setup"] },
    { name: "admin", testMatch: /journeys\/admin\/.*\.spec\.ts$/, dependencies: ["setup"] },
    { name: "shell", testMatch: /journeys\/shell\/.*\.spec\.ts$/, dependencies: ["setup"] },
    { name: "a11y", testMatch: /journeys\/a11y\/.*\.spec\.ts$/, dependencies: ["setup"] },
    {
      name: "security-2fa",
      testMatch: /journeys\/security-2fa\/.*\.spec\.ts$/,
      dependencies: ["setup"],
    },
    { name: "payments-ui", testMatch: /journeys\/payments-ui\/.*\.spec\.ts$/, dependencies: ["setup"] },
    { name: "accounts", testMatch: /journeys\/accounts\/.*\.spec\.ts$/, dependencies: ["setup"] },
    { name: "fuzz", testMatch: /fuzz\/.*\.spec\.ts$/ },
    { name: "security", testMatch: /security\/.*\.spec\.ts$/, dependencies: ["setup"] },
  ],
  webServer: {
    command: "bun support/serve.ts",
    url: `${edge}/health/ready`,
    ignoreHTTPSErrors: true,
    // PGlite initialises four databases on first start (about 9 s each here) and the frontends may build.
    timeout: 240_000,
    // Ports are fresh per run, so only a server started on purpose with the same E2E_* variables is reused.
    reuseExistingServer: !env.ci,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
