/**
 * Event hub benchmark (not a timed test), against the RabbitMQ at RABBITMQ_URL. Every figure of the bus is
 * printed next to a bare amqplib baseline measured in the same run on the same broker, so the ratio shows
 * what the bus costs and the baseline shows what this machine can do at all:
 * 1. confirmed durable publishes/s into one classic queue (storage version 2, as the bus's classic queues run,
 *    ADR 0010) and one quorum queue — bus (`bus.publish`: validation,
 *    span, serialisation, confirm window of 1,000) vs. plain amqplib publishing the same bytes with the same
 *    window; with the CPU each side and the broker spend per message;
 * 2. publish → handler latency p50/p99 at a fixed 1,000 msg/s into a quorum work queue and an exclusive
 *    (gateway fan-out) queue — bus vs. plain amqplib publisher + consumer;
 * 3. outbox relay throughput (Postgres at POSTGRES_URL, PGlite otherwise) and how much of it is broker time.
 * Prints a table and writes the bus-vs-bare figures to bench/out/events.json (charts). Run:
 * `bun bench/events/index.ts`.
 */
import { cpus, loadavg } from "node:os";
import { realServer } from "@payments/testing";
import { type Figure as ChartFigure, type Target, writeFigures } from "../lib/figures.ts";
import { textTable } from "../lib/text-table.ts";
import { findBrokerPid } from "./broker-cpu.ts";
import { bareLatency, busLatency, type Latency, type LatencyQueue } from "./latency.ts";
import { bareRate, busRate, type PublishFigure, type QueueType } from "./publish.ts";
import { relayRate } from "./relay.ts";

/** One row of the report: the bus's figure, the bare amqplib baseline when there is one, the target. */
interface Figure {
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  target?: string;
}

const PUBLISHES = 15_000;
const ROUNDS = 2;
/** The relay's default batch size (= the bus's confirm window). */
const RELAY_BATCH = 1_000;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** How the rows name each queue kind. */
const KIND: Record<QueueType, string> = { classic: "classic v2", quorum: "quorum" };

/** Best of `ROUNDS` alternating runs of bare and bus (machine noise only ever slows a run down). */
async function throughput(url: string, type: QueueType, brokerPid: number | undefined) {
  const bare: PublishFigure[] = [];
  const bus: PublishFigure[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      bare.push(await bareRate(url, type, PUBLISHES, brokerPid));
      bus.push(await busRate(url, type, PUBLISHES, brokerPid));
    } else {
      bus.push(await busRate(url, type, PUBLISHES, brokerPid));
      bare.push(await bareRate(url, type, PUBLISHES, brokerPid));
    }
  }
  const best = (runs: PublishFigure[]) => runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  return { bare: best(bare), bus: best(bus) };
}

function publishFigures(type: QueueType, target: string, r: { bare: PublishFigure; bus: PublishFigure }) {
  const figures: Figure[] = [
    {
      metric: `confirmed publishes/s, ${KIND[type]} queue`,
      value: Math.round(r.bus.rate),
      baseline: Math.round(r.bare.rate),
      unit: "msg/s",
      target,
    },
    {
      metric: `  client CPU per message, ${KIND[type]}`,
      value: round2(r.bus.clientMicrosPerMessage),
      baseline: round2(r.bare.clientMicrosPerMessage),
      unit: "µs",
    },
  ];
  if (r.bus.brokerMicrosPerMessage !== undefined && r.bare.brokerMicrosPerMessage !== undefined) {
    figures.push({
      metric: `  broker CPU per message, ${KIND[type]}`,
      value: round2(r.bus.brokerMicrosPerMessage),
      baseline: round2(r.bare.brokerMicrosPerMessage),
      unit: "µs",
    });
  }
  return figures;
}

function latencyFigures(label: string, bus: Latency, bare: Latency): Figure[] {
  return [
    {
      metric: `publish→handler p50, ${label}`,
      value: round2(bus.p50),
      baseline: round2(bare.p50),
      unit: "ms",
    },
    {
      metric: `publish→handler p99, ${label}`,
      value: round2(bus.p99),
      baseline: round2(bare.p99),
      unit: "ms",
      target: "≤ 10 ms",
    },
    {
      metric: `publish→handler max, ${label}`,
      value: round2(bus.max),
      baseline: round2(bare.max),
      unit: "ms",
    },
  ];
}

function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.metric,
    `${f.value} ${f.unit}`,
    f.baseline === undefined ? "" : `${f.baseline} ${f.unit}`,
    f.baseline ? (f.value / f.baseline).toFixed(2) : "",
    f.target ?? "",
  ]);
  const header = ["metric", "bus", "bare amqplib", "bus/bare", "target"];
  return textTable(header, rows);
}

/** A bus-vs-bare row as chart figures: metrics read "<chart>, <label>"; the latency rows share one chart. */
function chartFigures(f: Figure): ChartFigure[] {
  if (f.baseline === undefined) return [];
  const latency = /^publish→handler (\w+), (.+ msg\/s), (.*)$/.exec(f.metric);
  const plain = /^\s*(.*?), (.*)$/.exec(f.metric);
  const chart = latency ? `publish→handler latency at ${latency[2]}` : (plain?.[1] ?? f.metric);
  const label = latency ? `${latency[3]} ${latency[1]}` : (plain?.[2] ?? "");
  const bound = /([≥≤]) ([\d,.]+)/.exec(f.target ?? "");
  const target: Target | undefined = bound
    ? { value: Number(bound[2]?.replaceAll(",", "")), kind: bound[1] === "≥" ? "min" : "max" }
    : undefined;
  return [
    { chart, label, series: "bus", value: f.value, unit: f.unit, target },
    { chart, label, series: "bare amqplib", value: f.baseline, unit: f.unit },
  ];
}

/** What one broker core could confirm at the broker's measured cost per message. */
function brokerNote(figures: Figure[]): string | undefined {
  const cost = (type: QueueType) =>
    figures.find((f) => f.metric === `  broker CPU per message, ${KIND[type]}`)?.baseline;
  const classic = cost("classic");
  const quorum = cost("quorum");
  if (!classic || !quorum) return undefined;
  const perCore = (micros: number) => Math.round(1e6 / micros).toLocaleString("en");
  return (
    `broker: ${classic} µs (${KIND.classic}) and ${quorum} µs (quorum) of CPU per confirmed persistent message, so ` +
    `one fully busy core confirms at most ~${perCore(classic)} / ~${perCore(quorum)} msg/s; the publisher ` +
    `and the broker share ${cpus().length} cores here (and with everything else running).`
  );
}

/** Runs every scenario and returns the figures. */
export async function runEventsBench(url: string): Promise<Figure[]> {
  const brokerPid = findBrokerPid();
  const classic = await throughput(url, "classic", brokerPid);
  const quorum = await throughput(url, "quorum", brokerPid);
  // A full collection before each latency run, so no run pays for the previous scenario's garbage.
  const latency = async (queue: LatencyQueue) => {
    Bun.gc(true);
    const bare = await bareLatency(url, queue, 1_000, 4);
    Bun.gc(true);
    return { bare, bus: await busLatency(url, queue, 1_000, 4) };
  };
  const work = await latency("quorum");
  const fanout = await latency("exclusive");
  const relay = await relayRate(url, 10_000, RELAY_BATCH);
  return [
    ...publishFigures("classic", "≥ 20,000", classic),
    ...publishFigures("quorum", "≥ 5,000", quorum),
    ...latencyFigures("1,000 msg/s, quorum queue", work.bus, work.bare),
    ...latencyFigures("1,000 msg/s, fan-out queue", fanout.bus, fanout.bare),
    {
      metric: `outbox relay (${relay.database} → quorum queue, batches of ${relay.batchSize})`,
      value: Math.round(relay.rate),
      unit: "rows/s",
    },
    { metric: "  of its time waiting for confirms", value: Math.round(relay.publishShare * 100), unit: "%" },
  ];
}

if (import.meta.main) {
  const rabbitUrl = realServer("rabbitmq");
  if (!rabbitUrl) {
    console.log(
      "events bench: skipped — set RABBITMQ_URL (and POSTGRES_URL for the outbox figure on Postgres)",
    );
  } else {
    const load = () => loadavg()[0]?.toFixed(1);
    console.log(
      `events bench: one Bun process, RabbitMQ on this machine (${cpus().length} cores, load average ${load()} at start), persistent messages, publisher confirms, window 1,000; throughput is the best of ${ROUNDS} alternating runs of ${PUBLISHES.toLocaleString("en")}`,
    );
    const figures = await runEventsBench(rabbitUrl);
    console.log(table(figures));
    const note = brokerNote(figures);
    if (note) console.log(note);
    console.log(`load average at the end: ${load()}`);
    await writeFigures("events", figures.flatMap(chartFigures));
  }
}
