/**
 * `bun scripts/contracts/lint.ts`: lints the platform's OpenAPI document — exactly what
 * `buildOpenApi(OPERATIONS)` produces, the document the gateway serves and the client is generated from —
 * with Redocly CLI and the repository's `redocly.yaml`. Exits non-zero on any error (warnings are printed).
 *
 * Redocly runs offline: telemetry is off (REDOCLY_TELEMETRY here and `telemetry: off` in the config) and the
 * update check is suppressed, so CI never waits on, or reports to, a third-party host.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOpenApi, OPERATIONS } from "@payments/contracts/http";

const root = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
const file = join(dir, "openapi.json");
try {
  writeFileSync(file, `${JSON.stringify(buildOpenApi(OPERATIONS), null, 2)}\n`);
  // The CLI is Node code; Bun runs it (`--bun`), so CI needs no particular Node version for it.
  const cli = Bun.resolveSync("@redocly/cli/bin/cli.js", root);
  const proc = Bun.spawn(
    [
      process.execPath,
      "--bun",
      cli,
      "lint",
      file,
      "--config",
      join(root, "redocly.yaml"),
      "--format=stylish",
    ],
    {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      stdout: "inherit",
      stderr: "inherit",
    },
  );
  const code = await proc.exited;
  console.log(`openapi lint: ${OPERATIONS.length} operations, redocly exited ${code}`);
  process.exitCode = code;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
