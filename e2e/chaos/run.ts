/**
 * `bun run --cwd e2e chaos` (CHAOS_MODE=full for the long run): runs the chaos scenario, prints what was
 * measured, writes it to e2e/.logs/chaos.json, and exits non-zero when anything committed was lost or
 * applied twice.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readChaosConfig } from "./config.ts";
import { problems, summarize } from "./report.ts";
import { runChaos } from "./scenario.ts";

const logs = join(new URL("..", import.meta.url).pathname, ".logs");
mkdirSync(logs, { recursive: true });
const config = readChaosConfig();
console.log(`chaos (${config.mode})`);
const report = await runChaos({
  ...config,
  log: join(logs, "chaos-platform.log"),
  onProgress: (line) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
});
console.log(summarize(report));
await Bun.write(
  join(logs, "chaos.json"),
  JSON.stringify({ mode: config.mode, ...summaryJson(report) }, null, 2),
);
const found = problems(report);
if (found.length > 0) {
  console.error(`\n${found.length} problem(s):\n${found.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}

function summaryJson(r: typeof report) {
  return {
    faults: r.faults,
    confirmed: r.load.confirmed.size,
    abandoned: r.load.abandoned.size,
    statuses: Object.fromEntries(r.load.statuses),
    verification: r.verification,
    cancelDuringBusOutage: r.cancelDuringBusOutage,
    unexpectedExits: r.unexpectedExits,
    durationMs: r.durationMs,
  };
}
