import { Hono } from "hono";
import type { HealthProbe } from "./probe.ts";

/** Result of one probe in the `/health/ready` body. */
export interface ProbeResult {
  name: string;
  critical: boolean;
  status: "up" | "down";
  latency_ms: number;
  error?: string;
}

/** Body of `/health/ready`. */
export interface ReadinessReport {
  /** `ok`: all up; `degraded`: only non-critical probes down (still ready); `fail`: a critical one down. */
  status: "ok" | "degraded" | "fail";
  checks: ProbeResult[];
}

class ProbeTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

async function runProbe(probe: HealthProbe): Promise<ProbeResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(probe.timeoutMs)), probe.timeoutMs);
  });
  const result: ProbeResult = { name: probe.name, critical: probe.critical, status: "up", latency_ms: 0 };
  try {
    // A hung dependency must not hang the readiness endpoint; the probe's own promise is left to settle.
    await Promise.race([Promise.resolve().then(probe.run), timeout]);
  } catch (error) {
    result.status = "down";
    // Only the message: probe errors (driver errors) can be long, and this endpoint is unauthenticated.
    result.error = (error instanceof Error ? error.message : String(error)).slice(0, 200);
  } finally {
    clearTimeout(timer);
    result.latency_ms = Math.round((performance.now() - started) * 1000) / 1000;
  }
  return result;
}

/** Runs every probe in parallel, each bounded by its own timeout, and summarises them. */
export async function checkReadiness(probes: readonly HealthProbe[]): Promise<ReadinessReport> {
  const checks = await Promise.all(probes.map(runProbe));
  const criticalDown = checks.some((check) => check.critical && check.status === "down");
  const anyDown = checks.some((check) => check.status === "down");
  return { status: criticalDown ? "fail" : anyDown ? "degraded" : "ok", checks };
}

/** The health endpoints plus a way to add probes as the service builds its adapters. */
export interface HealthRoutes {
  routes: Hono;
  addProbe(probe: HealthProbe): void;
}

/**
 * `GET /health/live` (the process answers; touches no dependency, so a database outage never gets the
 * process restarted) and `GET /health/ready` (200 unless a critical probe is down, then 503).
 */
export function healthRoutes(initial: readonly HealthProbe[] = []): HealthRoutes {
  const probes: HealthProbe[] = [...initial];
  const routes = new Hono();
  routes.get("/health/live", (c) => c.json({ status: "ok" }));
  routes.get("/health/ready", async (c) => {
    const report = await checkReadiness(probes);
    c.header("Cache-Control", "no-store");
    return c.json(report, report.status === "fail" ? 503 : 200);
  });
  return {
    routes,
    addProbe(probe) {
      if (probes.some((existing) => existing.name === probe.name)) {
        throw new Error(`health probe "${probe.name}" is already registered`);
      }
      probes.push(probe);
    },
  };
}
