/**
 * Summarises a V8/Bun `.cpuprofile` as markdown: the top functions by self time and the kit's middleware and
 * libraries by total time, as shares of the samples. Samples are counted, not weighted by their time deltas:
 * Bun's profiler takes a sample only while JavaScript runs, so a delta also spans the idle time before it
 * (and Bun's own `--cpu-prof-md` summary, which weights by delta, charges that idle time to whatever
 * function was sampled next — an async middleware awaiting its `next()`).
 * Run: `bun bench/kit/summarise.ts <file.cpuprofile> [title] > bench/kit/profile-<when>.md`.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, title = "CPU profile"] = Bun.argv.slice(2);
if (!file) {
  console.error("usage: bun bench/kit/summarise.ts <file.cpuprofile> [title]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** `name (package/file:line)`, with node_modules paths shortened to the package. */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (!url) return name;
  const pkg = /node_modules\/\.bun\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  const where = pkg ? `${pkg[1]}/${pkg[2]?.split("/").at(-1)}` : url.replace(/^.*\/work\/[^/]+\//, "");
  return `${name} (${where}${lineNumber >= 0 ? `:${lineNumber + 1}` : ""})`;
}

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
let idle = 0;
for (const id of profile.samples) {
  const dt = 1;
  const node = byId.get(id);
  if (!node) continue;
  all += dt;
  if (node.callFrame.functionName === "(idle)") idle += dt;
  const own = label(node);
  self.set(own, (self.get(own) ?? 0) + dt);
  // Total: each distinct function on the stack once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const l = label(n);
    if (!seen.has(l)) {
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + dt);
    }
  }
}

const busy = all - idle;
const pct = (v: number) => `${((100 * v) / busy).toFixed(1)} %`;
const lines = [
  `# ${title}`,
  "",
  `${profile.samples.length.toLocaleString("en")} samples (1 ms interval) of the server process under the ` +
    "benchmark's load; shares of the samples outside idle.",
  "",
  "## Top 20 by self time",
  "",
  "| # | self | function |",
  "|---|---|---|",
];
const ranked = [...self.entries()].filter(([name]) => name !== "(idle)").sort((a, b) => b[1] - a[1]);
ranked.slice(0, 20).forEach(([name, v], i) => {
  lines.push(`| ${i + 1} | ${pct(v)} | \`${name}\` |`);
});
lines.push(
  "",
  "## The kit's middleware and libraries, by total time (inclusive)",
  "",
  "| total | function |",
  "|---|---|",
);
const kitRows = [...total.entries()]
  .filter(([name]) =>
    /service-kit\/src|@hono\/prometheus|secure-headers|body-limit|pino\/|@opentelemetry\/sdk-trace/.test(
      name,
    ),
  )
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20);
for (const [name, v] of kitRows) lines.push(`| ${pct(v)} | \`${name}\` |`);
console.log(lines.join("\n"));
