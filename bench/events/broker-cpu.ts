import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of the machine's shared RabbitMQ node, read from /proc, so the bench can say what the broker
 * itself spends per message (the ceiling this machine puts on any client). The shared node is the one
 * `beam.smp` running `rabbit` that is not a test's private node (those are named `private-<port>-<pid>`).
 * Undefined when there is no /proc, no such process, or more than one candidate.
 */
export function findBrokerPid(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const candidates: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes("beam.smp") && cmdline.includes("rabbit") && !cmdline.includes("private-")) {
      candidates.push(Number(entry));
    }
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** User + system CPU of `pid` in microseconds (clock ticks of 10 ms), or undefined if unreadable. */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may contain spaces), so utime/stime are at 11 and 12.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10_000 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU spent by this process and by the broker while `fn` ran. */
export interface CpuCost {
  /** This process, µs (user + system). */
  clientMicros: number;
  /** The broker node, µs; undefined if it could not be read. Includes other users' traffic, if any. */
  brokerMicros: number | undefined;
  seconds: number;
}

/** Runs `fn` and measures wall time and the CPU it cost here and in the broker. */
export async function measured<T>(
  brokerPid: number | undefined,
  fn: () => Promise<T>,
): Promise<[T, CpuCost]> {
  const broker0 = processCpuMicros(brokerPid);
  const client0 = process.cpuUsage();
  const started = performance.now();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(client0);
  const broker1 = processCpuMicros(brokerPid);
  return [
    result,
    {
      clientMicros: client.user + client.system,
      brokerMicros: broker0 === undefined || broker1 === undefined ? undefined : broker1 - broker0,
      seconds,
    },
  ];
}
