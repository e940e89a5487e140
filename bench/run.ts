/**
 * `bun run bench`: runs every `bench/<name>/index.ts`, each in its own Bun process (one benchmark's
 * connections and timers cannot disturb the next), shows its output as it comes, and writes all of it to
 * `bench/report.md`. A benchmark prints its own table; it may also write figures under `bench/out/`.
 * `bun run bench events payments` runs only those. Benchmarks are not tests: nothing here fails on a figure.
 */
import { Glob } from "bun";

const root = new URL("..", import.meta.url).pathname;
const only = new Set(Bun.argv.slice(2));

interface Outcome {
  name: string;
  code: number;
  seconds: number;
  output: string;
}

async function runOne(name: string, file: string): Promise<Outcome> {
  console.log(`\n━━ bench/${name}`);
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, file], { cwd: root, stdout: "pipe", stderr: "pipe" });
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
  return { name, code, seconds: (performance.now() - started) / 1000, output: output.trimEnd() };
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

const outcomes: Outcome[] = [];
for (const { name, file } of found) outcomes.push(await runOne(name, file));

const report = [
  "# Benchmarks",
  "",
  `Run ${new Date().toISOString()} with Bun ${Bun.version} (\`bun run bench\`). Not timed tests: figures depend on`,
  "the machine and what else runs on it.",
  "",
  ...outcomes.flatMap((o) => [
    `## ${o.name}${o.code === 0 ? "" : ` (failed, exit ${o.code})`}`,
    "",
    `${o.seconds.toFixed(1)} s`,
    "",
    "```",
    o.output,
    "```",
    "",
  ]),
].join("\n");
await Bun.write(`${root}bench/report.md`, report);
console.log(`\nwrote bench/report.md (${outcomes.length} benchmark${outcomes.length === 1 ? "" : "s"})`);
process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
