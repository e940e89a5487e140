/**
 * `bun run bench`: runs every `bench/<name>/index.ts`, each in its own Bun process (one benchmark's
 * connections and timers cannot disturb the next), shows its output as it comes, and writes all of it to
 * `bench/report.md`. A benchmark prints its own table and writes its figures to `bench/out/<name>.json`
 * (`bench/lib/figures.ts`); they are drawn as SVG into `bench/charts/` and linked from the report.
 * `bun run bench events payments` runs only those (their sections of the report are replaced, the others
 * kept); `bun run bench --redraw [name…]` only draws the charts again from bench/out. Other `--` options go
 * to every benchmark run (`bun run bench frontend --runs=3`). Benchmarks are not
 * tests: nothing here fails on a figure. The soak run is separate: `bun run bench:soak` (bench/soak).
 */
import { mkdir, rm } from "node:fs/promises";
import { Glob } from "bun";
import { renderCharts } from "./lib/charts.ts";
import { figuresPath, readFigures } from "./lib/figures.ts";
import { composeReport, replaceCharts, type Section } from "./lib/report.ts";

const root = new URL("..", import.meta.url).pathname;
const args = Bun.argv.slice(2);
/** `--redraw`: run nothing; draw the charts again from what bench/out holds (after changing the renderer). */
const redraw = args.includes("--redraw");
const only = new Set(args.filter((a) => !a.startsWith("--")));
/** Options for the benchmarks themselves, passed on to each. */
const passed = args.filter((a) => a.startsWith("--") && a !== "--redraw");

const CHARTS = `${root}bench/charts/`;

/** Draws what `name` wrote to bench/out (nothing when it wrote nothing) into bench/charts/<name>-*.svg. */
async function drawCharts(name: string): Promise<Section["charts"]> {
  await mkdir(CHARTS, { recursive: true });
  for await (const old of new Glob(`${name}-*.svg`).scan({ cwd: CHARTS })) await rm(`${CHARTS}${old}`);
  const record = await readFigures(name).catch((error: unknown) => {
    console.error(`bench/out/${name}.json: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (!record) return [];
  const charts = await renderCharts(record);
  for (const c of charts) await Bun.write(`${CHARTS}${c.id}.svg`, c.svg);
  return charts.map((c) => ({ file: `charts/${c.id}.svg`, title: c.title }));
}

async function runOne(name: string, file: string): Promise<Section> {
  console.log(`\n━━ bench/${name}`);
  // Figures of an earlier run must not be drawn as this run's.
  await rm(figuresPath(name), { force: true });
  const date = new Date().toISOString();
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, file, ...passed], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const collect = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream) => {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const part = decoder.decode(chunk, { stream: true });
      text += part;
      sink.write(part);
    }
    return text;
  };
  const [stdout, stderr, code] = await Promise.all([
    collect(proc.stdout, process.stdout),
    collect(proc.stderr, process.stderr),
    proc.exited,
  ]);
  const output = code === 0 ? stdout : `${stdout}\n${stderr}`;
  const seconds = (performance.now() - started) / 1000;
  return { name, date, code, seconds, output: output.trimEnd(), charts: await drawCharts(name) };
}

const found: Array<{ name: string; file: string }> = [];
for await (const file of new Glob("bench/*/index.ts").scan({ cwd: root })) {
  const name = file.split("/")[1] ?? file;
  if (only.size === 0 || only.has(name)) found.push({ name, file: `${root}${file}` });
}
found.sort((a, b) => a.name.localeCompare(b.name));
if (found.length === 0) {
  console.error(`no benchmark matched ${[...only].join(", ") || "bench/*/index.ts"}`);
  process.exit(2);
}

const reportFile = Bun.file(`${root}bench/report.md`);
const previous = (await reportFile.exists()) ? await reportFile.text() : "";
if (redraw) {
  let report = previous;
  for (const { name } of found) {
    if (!(await Bun.file(figuresPath(name)).exists())) continue;
    const charts = await drawCharts(name);
    report = replaceCharts(report, name, charts);
    console.log(`${name}: ${charts.length} chart${charts.length === 1 ? "" : "s"} drawn`);
  }
  await Bun.write(reportFile, report);
  process.exit(0);
}

const outcomes: Section[] = [];
for (const { name, file } of found) outcomes.push(await runOne(name, file));

await Bun.write(reportFile, composeReport(previous, outcomes));
const charts = outcomes.reduce((n, o) => n + o.charts.length, 0);
console.log(
  `\nwrote bench/report.md (${outcomes.length} benchmark${outcomes.length === 1 ? "" : "s"} run, ${charts} chart${charts === 1 ? "" : "s"} in bench/charts/)`,
);
process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
