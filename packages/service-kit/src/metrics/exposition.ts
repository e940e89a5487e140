import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** One sample line of the text format. */
export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family: its `# TYPE`, `# HELP` and samples in order. */
export interface ExpositionFamily {
  name: string;
  type: string;
  help: string;
  samples: ExpositionSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<string, string[]> = {
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["_sum", "_count"],
};

/**
 * Parses Prometheus text exposition (format 0.0.4) and rejects anything a scraper would: malformed lines
 * (checked by `parse-prometheus-text-format`), bad metric or label names, unparsable values, `# TYPE` after
 * samples or twice, a family split in two, duplicate series, and inconsistent histograms. Test helper;
 * CI also runs `promtool check metrics` on a live service's output.
 */
export function parseExposition(text: string): ExpositionFamily[] {
  const fromLibrary = parsePrometheusTextFormat(text).map((family) => family.name);
  const families = new Map<string, ExpositionFamily>();
  const seriesSeen = new Set<string>();
  let current: ExpositionFamily | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    const fail = (why: string): never => {
      throw new Error(`metrics line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === "") return;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name = "", rest = ""] = meta;
      if (!METRIC_NAME.test(name)) fail("bad metric name");
      let family = families.get(name);
      if (family && family !== current) fail("family appears twice");
      if (!family) {
        family = { name, type: "untyped", help: "", samples: [] };
        families.set(name, family);
      }
      current = family;
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) fail("unknown type");
        if (family.samples.length > 0 || family.type !== "untyped") fail("TYPE after samples or repeated");
        family.type = rest;
      } else family.help = rest;
      return;
    }
    if (line.startsWith("#")) return;
    const match = SAMPLE.exec(line) ?? fail("not a sample line");
    const [, name = "", labelText = "", valueText = ""] = match;
    const allowed = current
      ? [current.name, ...(SUFFIXES[current.type] ?? []).map((s) => current?.name + s)]
      : [];
    if (!current || !allowed.includes(name)) fail(`sample outside its family (${current?.name ?? "none"})`);
    const labels = parseLabels(labelText, fail);
    const key = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(",")}}`;
    if (seriesSeen.has(key)) fail("duplicate series");
    seriesSeen.add(key);
    current?.samples.push({ name, labels, value: parseValue(valueText, fail) });
  });
  const result = [...families.values()];
  for (const family of result) if (family.type === "histogram") checkHistogram(family);
  const ours = result.filter((family) => family.samples.length > 0).map((family) => family.name);
  if (JSON.stringify(ours) !== JSON.stringify(fromLibrary.filter((name) => ours.includes(name)))) {
    throw new Error(`family order disagrees with parse-prometheus-text-format: ${ours} vs ${fromLibrary}`);
  }
  return result;
}

function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.trim() !== "") {
    const match = LABEL.exec(rest) ?? fail("bad label");
    const [whole, name = "", value = ""] = match;
    if (name in labels) fail(`label ${name} twice`);
    labels[name] = value.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}

function parseValue(text: string, fail: (why: string) => never): number {
  // Go's strconv.ParseFloat, which Prometheus uses, accepts these spellings of the special values.
  const special = text.toLowerCase();
  if (special === "nan") return Number.NaN;
  if (special === "+inf" || special === "inf") return Number.POSITIVE_INFINITY;
  if (special === "-inf") return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail("bad value");
  return Number(text);
}

function checkHistogram(family: ExpositionFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      group.buckets.push([le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), sample.value]);
    } else if (sample.name.endsWith("_count")) group.count = sample.value;
    else if (sample.name.endsWith("_sum")) group.sum = sample.value;
  }
  for (const [key, group] of groups) {
    const where = `${family.name}${key}`;
    const last = group.buckets.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    for (let i = 1; i < group.buckets.length; i++) {
      const [prevLe = 0, prevCount = 0] = group.buckets[i - 1] ?? [];
      const [le = 0, count = 0] = group.buckets[i] ?? [];
      if (le <= prevLe || count < prevCount) throw new Error(`${where}: buckets not cumulative`);
    }
    if (group.count !== last[1] || group.sum === undefined)
      throw new Error(`${where}: _count/_sum inconsistent`);
  }
}
