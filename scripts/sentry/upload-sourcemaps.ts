/**
 * `bun run sentry:sourcemaps`: uploads the built frontends' source maps to the Sentry named by
 * SENTRY_UPLOAD_URL (with SENTRY_AUTH_TOKEN, SENTRY_ORG, SENTRY_PROJECT) under the build's release
 * (VITE_RELEASE, else SENTRY_RELEASE). Skipped with a message, exit 0, when no Sentry is configured.
 * Run it after `bun run build:frontends`.
 */
import { join } from "node:path";
import { DEFAULT_RELEASE } from "@payments/service-kit";
import { builtApps, targetFromEnv, uploadSourcemaps } from "./upload.ts";

const root = join(import.meta.dir, "..", "..");
const env = {
  SENTRY_UPLOAD_URL: process.env.SENTRY_UPLOAD_URL,
  SENTRY_AUTH_TOKEN: process.env.SENTRY_AUTH_TOKEN,
  SENTRY_ORG: process.env.SENTRY_ORG,
  SENTRY_PROJECT: process.env.SENTRY_PROJECT,
  SENTRY_RELEASE: process.env.SENTRY_RELEASE,
  VITE_RELEASE: process.env.VITE_RELEASE,
};
const resolved = targetFromEnv(env, DEFAULT_RELEASE);
if ("skip" in resolved) {
  console.log(resolved.skip);
  process.exit(0);
}
if ("error" in resolved) {
  console.error(resolved.error);
  process.exit(1);
}
const { target } = resolved;
const summary = await uploadSourcemaps(target, builtApps(join(root, "frontends")));
console.log(`source maps uploaded to ${new URL(target.url).host}, release ${target.release}`);
console.log("| app | maps | KB |\n|---|---:|---:|");
for (const row of summary) console.log(`| ${row.app} | ${row.maps} | ${(row.bytes / 1024).toFixed(0)} |`);
if (summary.every((row) => row.maps === 0)) {
  console.error("no source maps found: build the frontends first (bun run build:frontends)");
  process.exit(1);
}
