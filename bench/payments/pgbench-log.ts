/**
 * pgbench's per-transaction log (`-l --log-prefix`), read for latency at a fixed rate (`-R`): each line is
 * `client transaction_no time script_no epoch epoch_us [schedule_lag]` with times in µs. The latency counted
 * is from the transaction's scheduled start (time + lag), as the service's open-loop rows count theirs, so
 * that a floor which falls behind its schedule shows it.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type LatencySummary, summarize } from "../lib/stats.ts";

/** Latencies of script `script` (0 = the first `-f`) in every log file under `dir` named `prefix.*`, ms. */
export async function pgbenchLogLatencies(dir: string, prefix: string, script = 0): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(`${prefix}.`)) continue;
    for (const line of (await readFile(join(dir, name), "utf8")).split("\n")) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 6 || Number(fields[3]) !== script) continue;
      const time = Number(fields[2]);
      const lag = fields.length > 6 ? Number(fields[6]) : 0;
      if (Number.isFinite(time) && Number.isFinite(lag)) latencies.push((time + lag) / 1000);
    }
  }
  latencies.sort((a, b) => a - b);
  return summarize(latencies);
}
