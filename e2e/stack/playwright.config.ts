/**
 * Playwright for the container stack (`bun run stack:test` runs it; e2e/stack/run.ts sets E2E_DIR to a
 * directory holding the stack Caddy's CA). Debian's Chromium against https://localhost:<stack port>; no
 * web server of its own: the stack is already up.
 */
import { defineConfig } from "@playwright/test";
import { caddyCaSpkis, edgeOrigin, readE2eEnv } from "../support/config.ts";

const env = readE2eEnv();
const spkis = caddyCaSpkis(env);
if (spkis.length === 0) throw new Error(`no Caddy CA under ${env.dir}: run through \`bun run stack:test\``);

export default defineConfig({
  testDir: ".",
  testMatch: /\.spec\.ts$/,
  outputDir: "../test-results/stack",
  workers: 1,
  retries: 0,
  forbidOnly: env.ci,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: edgeOrigin(env),
    ignoreHTTPSErrors: false,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      // ARCHITECTURE §12's flags; the stack's CA is trusted by key, nothing else is ignored.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--ignore-certificate-errors-spki-list=${spkis.join(",")}`,
      ],
    },
  },
});
