import { describe, expect, it } from "bun:test";
import { Registry } from "prom-client";
import { createBusMetrics } from "./metrics.ts";

describe("createBusMetrics", () => {
  it("counts publishes and deliveries with their labels", async () => {
    const registry = new Registry();
    const metrics = createBusMetrics(registry);
    metrics.published("payment.created");
    metrics.consumed("admin", "payment.created", "ack");
    metrics.consumed("admin", "payment.created", "retry");
    const text = await registry.metrics();
    expect(text).toContain('events_published_total{type="payment.created"} 1');
    expect(text).toContain('events_consumed_total{queue="admin",type="payment.created",outcome="ack"} 1');
    expect(text).toContain('events_consumed_total{queue="admin",type="payment.created",outcome="retry"} 1');
  });

  it("reuses counters already on the registry instead of throwing", async () => {
    const registry = new Registry();
    createBusMetrics(registry).published("user.updated");
    createBusMetrics(registry).published("user.updated");
    expect(await registry.metrics()).toContain('events_published_total{type="user.updated"} 2');
  });

  it("collapses unregistered routing keys into one label", async () => {
    const registry = new Registry();
    createBusMetrics(registry).consumed("admin", "garbage.key.123", "dead_letter");
    expect(await registry.metrics()).toContain(
      'events_consumed_total{queue="admin",type="unknown",outcome="dead_letter"} 1',
    );
  });
});
