/**
 * `bun run screenshots`: the same platform as the journeys (fresh, through Caddy; playwright.config.ts's
 * web server and browser), one project that photographs every main page at desktop and phone width into
 * docs/screenshots/. Kept out of the journeys' config so a test run never rewrites tracked files.
 */
import { defineConfig } from "@playwright/test";
import base from "./playwright.config.ts";

export default defineConfig({
  ...base,
  projects: [{ name: "screenshots", testMatch: /screenshots\/.*\.spec\.ts$/ }],
  reporter: [["list"]],
});
