/**
 * `bun run stack:test`: the suites that judge the running container stack, through its Caddy over HTTPS.
 * Health first (every container, every Prometheus target), then two gateways sharing events, the
 * customer → vendor journey in Chromium, and last the container faults (they disturb the stack), then
 * health again. Each suite's time is printed. Fails, never skips, when the stack is not up.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../../scripts/stack/config.ts";
import { capture, since } from "../../scripts/stack/docker.ts";
import { container, stackState } from "./stack.ts";

const state = stackState();
const caddy = await container("caddy");

// Caddy's `tls internal` CA lives in the caddy-data volume; the suites trust exactly it (and the host's
// roots), at the path e2e/support/config.ts expects under E2E_DIR.
const dir = mkdtempSync(join(tmpdir(), "payments-stack-test-"));
const pki = join(dir, "xdg-data", "caddy", "pki", "authorities", "local");
mkdirSync(pki, { recursive: true });
for (const file of ["root.crt", "intermediate.crt"]) {
  const out = await capture([
    "docker",
    "cp",
    `${caddy.id}:/data/caddy/pki/authorities/local/${file}`,
    join(pki, file),
  ]);
  if (out.code !== 0) throw new Error(`docker cp ${file} from ${caddy.name}: ${out.stderr}`);
}
const hostBundle = "/etc/ssl/certs/ca-certificates.crt";
const bundle = join(dir, "ca-bundle.crt");
writeFileSync(
  bundle,
  [
    readFileSync(join(pki, "root.crt"), "utf8"),
    ...((await Bun.file(hostBundle).exists()) ? [readFileSync(hostBundle, "utf8")] : []),
  ].join("\n"),
);

const https = String(state.settings.ports.https);
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
Object.assign(env, {
  NODE_EXTRA_CA_CERTS: bundle,
  E2E_DIR: dir,
  E2E_HTTPS_PORT: https,
  E2E_HTTP_PORT: String(state.settings.ports.http),
  // e2e/support reads a port per service for its own platform; the stack publishes none of them, and the
  // stack suites call only the edge (and the gateway containers by address), so they point at the edge.
  E2E_GATEWAY_PORT: https,
  E2E_AUTH_PORT: https,
  E2E_PAYMENTS_PORT: https,
  E2E_ADMIN_PORT: https,
  E2E_PROFILE_PORT: https,
});

const suites: Array<{ name: string; cmd: string[]; cwd: string }> = [
  { name: "health and Prometheus targets", cmd: ["bun", "test", "./e2e/stack/health.test.ts"], cwd: root },
  { name: "two gateways share events", cmd: ["bun", "test", "./e2e/stack/gateways.test.ts"], cwd: root },
  {
    name: "customer → vendor journey (Chromium)",
    cmd: ["bunx", "playwright", "test", "-c", "stack/playwright.config.ts"],
    cwd: join(root, "e2e"),
  },
  {
    name: "container faults under load",
    cmd: ["bun", "test", "--timeout", "900000", "./e2e/stack/faults.test.ts"],
    cwd: root,
  },
  { name: "health after the faults", cmd: ["bun", "test", "./e2e/stack/health.test.ts"], cwd: root },
];

const results: Array<{ name: string; ok: boolean; time: string }> = [];
const total = performance.now();
for (const suite of suites) {
  const start = performance.now();
  console.log(`\n━━ ${suite.name}: ${suite.cmd.join(" ")}`);
  const proc = Bun.spawn(suite.cmd, { cwd: suite.cwd, env, stdout: "inherit", stderr: "inherit" });
  const ok = (await proc.exited) === 0;
  results.push({ name: suite.name, ok, time: since(start) });
}
rmSync(dir, { recursive: true, force: true });

console.log(`\n━━ stack:test summary (${state.imageSource} base images, ${since(total)})`);
for (const r of results) console.log(`  ${r.ok ? "passed" : "FAILED"}  ${r.time.padStart(8)}  ${r.name}`);
if (state.skipped.length > 0)
  console.log(`  (not in this stack: ${state.skipped.join(", ")} — no images here)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
