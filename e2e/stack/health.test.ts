/**
 * The stack is whole: every container Docker runs for it is healthy (the one-shot definitions loader exited
 * 0), each service answers its readiness route through Caddy over HTTPS, and the stack's own Prometheus
 * scrapes every target it is configured for, each one up.
 */
import { describe, expect, it } from "bun:test";
import { CORE_SERVICES, OBSERVABILITY } from "../../scripts/stack/compose.ts";
import { notReady } from "../../scripts/stack/health.ts";
import { call, containers, stackState } from "./stack.ts";

const state = stackState();

interface Target {
  labels: { job: string; instance: string };
  health: string;
  lastError: string;
}

async function targets(): Promise<Target[]> {
  const res = await fetch(`http://127.0.0.1:${state.settings.ports.prometheus}/api/v1/targets?state=active`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

describe("the running stack", () => {
  it("runs every service with the expected number of containers, each healthy", async () => {
    const list = await containers();
    const expected = { ...CORE_SERVICES };
    for (const name of OBSERVABILITY) if (!state.skipped.includes(name)) expected[name] = 1;
    const counts: Record<string, number> = {};
    for (const c of list) counts[c.service] = (counts[c.service] ?? 0) + 1;
    expect(counts).toEqual(expected);
    const unhealthy = list.filter((c) => notReady(c) !== undefined).map((c) => `${c.name}: ${notReady(c)}`);
    expect(unhealthy).toEqual([]);
  });

  it("answers each service's readiness through Caddy over HTTPS", async () => {
    const gateway = await call("GET", "/health/ready");
    expect(gateway.status, gateway.text).toBe(200);
    for (const service of ["auth", "payments", "admin", "profile"]) {
      const res = await call("GET", `/api/${service}/health/ready`);
      expect(`${service}: ${res.status}`, res.text).toBe(`${service}: 200`);
    }
    // Prometheus scrapes the containers directly; the edge never serves metrics.
    expect((await call("GET", "/metrics")).status).toBe(404);
  });

  it("has every Prometheus target up, two of them gateways", async () => {
    // A target scraped before its container was ready may still show its first failure: wait for a clean
    // round (scrape interval 15 s).
    const deadline = Date.now() + 60_000;
    let list = await targets();
    while (list.some((t) => t.health !== "up") && Date.now() < deadline) {
      await Bun.sleep(3_000);
      list = await targets();
    }
    const jobs: Record<string, number> = {};
    for (const t of list) jobs[t.labels.job] = (jobs[t.labels.job] ?? 0) + 1;
    // The exporters run in the observability profile; without it their jobs resolve no targets at all.
    const exporters: Record<string, number> = state.skipped.includes("postgres-exporter")
      ? {}
      : { postgres: 1, redis: 1 };
    expect(jobs).toEqual({
      prometheus: 1,
      gateway: 2,
      auth: 1,
      payments: 1,
      admin: 1,
      profile: 1,
      rabbitmq: 1,
      "rabbitmq-queues": 1,
      ...exporters,
    });
    const down = list.filter((t) => t.health !== "up").map((t) => `${t.labels.instance}: ${t.lastError}`);
    expect(down).toEqual([]);
    // It waits up to 60 s for a clean round, so bun's default 5 s would cut it short right after `stack`.
  }, 90_000);

  it("runs Alertmanager, healthy, as the one Prometheus sends its alerts to", async () => {
    if (state.skipped.includes("alertmanager")) throw new Error("the stack left Alertmanager out");
    const alertmanagers = (await containers()).filter((c) => c.service === "alertmanager");
    expect(alertmanagers.map((c) => notReady(c) ?? "ready")).toEqual(["ready"]);
    const url = `http://127.0.0.1:${state.settings.ports.prometheus}/api/v1/alertmanagers`;
    const deadline = Date.now() + 60_000;
    let active: Array<{ url: string }> = [];
    while (Date.now() < deadline) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      active = ((await res.json()) as { data: { activeAlertmanagers: Array<{ url: string }> } }).data
        .activeAlertmanagers;
      if (active.length > 0) break;
      await Bun.sleep(3_000);
    }
    expect(active.map((a) => new URL(a.url).port)).toEqual(["9093"]);
  }, 90_000);
});
