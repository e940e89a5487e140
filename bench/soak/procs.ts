/**
 * What /proc says about the processes the soak run started (Linux): their descendants, found from each
 * process's parent pid (the platform starts Caddy itself and does not report its pid), and their resident
 * set. A process that has exited reads as undefined, never as an error.
 */
import { readdirSync, readFileSync } from "node:fs";

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Parent pid and command name from /proc/<pid>/stat (the name is in parentheses and may hold spaces). */
export function parseStat(stat: string): { comm: string; ppid: number } | undefined {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = stat.slice(close + 2).split(" ");
  return { comm: stat.slice(open + 1, close), ppid: Number(rest[1]) };
}

/** VmRSS of /proc/<pid>/status in MB. */
export function parseRssMb(status: string): number | undefined {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/** Every live process: pid → parent pid and name. */
function processTable(): Map<number, { comm: string; ppid: number }> {
  const table = new Map<number, { comm: string; ppid: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    const parsed = stat ? parseStat(stat) : undefined;
    if (parsed) table.set(Number(entry), parsed);
  }
  return table;
}

/** `roots` and all their live descendants, with their command names. */
export function processTree(roots: number[]): Array<{ pid: number; comm: string }> {
  const table = processTable();
  const found: Array<{ pid: number; comm: string }> = [];
  const queue = roots.filter((pid) => table.has(pid));
  const seen = new Set<number>();
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    found.push({ pid, comm: table.get(pid)?.comm ?? "?" });
    for (const [child, info] of table) if (info.ppid === pid) queue.push(child);
  }
  return found;
}

/** Resident set of a live process in MB, undefined once it has exited. */
export function rssMb(pid: number): number | undefined {
  const status = read(`/proc/${pid}/status`);
  return status ? parseRssMb(status) : undefined;
}
