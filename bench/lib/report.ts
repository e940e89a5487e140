/**
 * `bench/report.md` as text: a header and one section per benchmark (its printed table and links to its
 * charts). Pure. A run of some benchmarks (`bun run bench gateway`) replaces their sections and keeps the
 * others from the previous report, each section saying when it ran, so the report always covers every
 * benchmark that has ever run here.
 */

/** One benchmark's part of the report. */
export interface Section {
  name: string;
  /** ISO time the benchmark ran. */
  date: string;
  seconds: number;
  code: number;
  output: string;
  /** Chart files relative to bench/, with their titles. */
  charts: Array<{ file: string; title: string }>;
}

const HEADER = [
  "# Benchmarks",
  "",
  "Written by `bun run bench` (every `bench/*/index.ts`, each in its own process; `bun run bench <name>…`",
  "runs some and keeps the other sections). Each section says when it ran; figures depend on the machine and",
  "what else runs on it (2 shared cores here). Charts are drawn from the figures each benchmark writes to",
  "`bench/out/<name>.json` (red ticks: targets). Not run in CI; `bench/soak.md` is the soak run's report.",
  "",
];

/** The markdown of one section. */
export function renderSection(s: Section): string {
  const status = s.code === 0 ? "" : ` (failed, exit ${s.code})`;
  return [
    `## ${s.name}${status}`,
    "",
    `Run ${s.date}, ${s.seconds.toFixed(1)} s.`,
    "",
    "```",
    s.output,
    "```",
    "",
    ...s.charts.map((c) => `![${s.name}: ${c.title}](${c.file})`),
    ...(s.charts.length > 0 ? [""] : []),
  ].join("\n");
}

/** The sections of a report this module wrote, by benchmark name (a `## ` inside a code block is output). */
export function splitSections(report: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  let fenced = false;
  const close = () => {
    if (current) sections.set(current.name, current.lines.join("\n").trimEnd());
  };
  for (const line of report.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const name = fenced ? undefined : /^## (\S+)/.exec(line)?.[1];
    if (name) {
      close();
      current = { name, lines: [] };
    }
    current?.lines.push(line);
  }
  close();
  return sections;
}

/** `report` with the chart links of `name`'s section replaced by `charts` (a redraw without a run). */
export function replaceCharts(report: string, name: string, charts: Section["charts"]): string {
  const sections = splitSections(report);
  const text = sections.get(name);
  if (text === undefined) return report;
  const kept = text.split("\n").filter((line) => !line.startsWith(`![${name}: `));
  const links = charts.map((c) => `![${name}: ${c.title}](${c.file})`);
  const updated = [...kept, ...(links.length > 0 ? ["", ...links] : [])]
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd();
  return report.replace(text, updated);
}

/** The whole report: `fresh` sections replace the previous report's of the same name; sorted by name. */
export function composeReport(previous: string, fresh: Section[]): string {
  const sections = splitSections(previous);
  for (const s of fresh) sections.set(s.name, renderSection(s).trimEnd());
  const names = [...sections.keys()].sort((a, b) => a.localeCompare(b));
  return `${[...HEADER, ...names.map((n) => `${sections.get(n)}\n`)].join("\n").trimEnd()}\n`;
}
