/** What the soak's load process is told (argv) and what it answers (its last stdout line). */

/** The load's shape: rates per second or periods in seconds, all of it for `durationMs`. */
export interface LoadSpec {
  /** Where API calls go (Caddy or the gateway) and Caddy's root certificate when it is Caddy. */
  api: string;
  ca?: string | undefined;
  /** The gateway, for WebSockets, and the Origin they send. */
  gateway: string;
  origin: string;
  durationMs: number;
  customers: number;
  vendors: number;
  createsPerSecond: number;
  readsPerSecond: number;
  loginEverySeconds: number;
  registerEverySeconds: number;
  sockets: number;
  reconnectEverySeconds: number;
}

/** Running counts of one kind of request. */
/** The soak's steady load (the run's length is added by `run.ts`). */
export const SOAK_LOAD = {
  customers: 16,
  vendors: 4,
  createsPerSecond: 8,
  readsPerSecond: 16,
  loginEverySeconds: 5,
  registerEverySeconds: 30,
  sockets: 8,
  reconnectEverySeconds: 20,
} as const satisfies Omit<LoadSpec, "api" | "ca" | "gateway" | "origin" | "durationMs">;

export interface Stats {
  latencies: number[];
  statuses: Record<number, number>;
  /** No answer (connection error or 15 s timeout). */
  failures: number;
}

export const newStats = (): Stats => ({ latencies: [], statuses: {}, failures: 0 });

/** The load process's summary line. */
export interface LoadSummary {
  type: "done";
  seconds: number;
  users: { customers: number; vendors: number };
  websockets: { opened: number; failed: number; messages: number; open: number };
  /** Requests of any kind that got no answer, by minute of the run (so a stall can be placed in time). */
  unansweredByMinute: Record<number, number>;
  kinds: Array<{
    kind: string;
    requests: number;
    statuses: Record<number, number>;
    failures: number;
    p50Ms: number;
    p99Ms: number;
  }>;
}
