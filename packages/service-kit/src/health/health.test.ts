import { describe, expect, test } from "bun:test";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import type { ReadinessReport } from "./health.ts";
import type { HealthProbe } from "./probe.ts";

const up = (name: string, critical = true, delayMs = 0): HealthProbe => ({
  name,
  critical,
  timeoutMs: 1000,
  run: async () => {
    if (delayMs > 0) await Bun.sleep(delayMs);
  },
});
const down = (name: string, critical = true): HealthProbe => ({
  name,
  critical,
  timeoutMs: 1000,
  run: async () => {
    throw new Error(`connect ECONNREFUSED 127.0.0.1:5432 (${name})`);
  },
});
const hangs = (name: string, critical = true): HealthProbe => ({
  name,
  critical,
  timeoutMs: 50,
  run: () => new Promise(() => {}),
});

function setup(probes: HealthProbe[] = []) {
  const logger = createLogger({ service: "s", destination: createLogCapture().destination });
  return createServiceApp({ service: "s", logger, probes });
}

async function ready(app: { request: (path: string) => Response | Promise<Response> }) {
  const res = await app.request("/health/ready");
  return { status: res.status, body: (await res.json()) as ReadinessReport };
}

describe("/health/live", () => {
  test("answers 200 without running any probe", async () => {
    let ran = false;
    const probe: HealthProbe = {
      name: "db",
      critical: true,
      timeoutMs: 10,
      run: async () => {
        ran = true;
      },
    };
    const { app } = setup([probe]);
    const res = await app.request("/health/live");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(ran).toBe(false);
  });
});

describe("/health/ready", () => {
  test("200 ok with every probe's status and latency", async () => {
    const { app } = setup([up("db", true, 20), up("cache", false)]);
    const { status, body } = await ready(app);
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.checks.map(({ name, critical, status: s }) => ({ name, critical, status: s }))).toEqual([
      { name: "db", critical: true, status: "up" },
      { name: "cache", critical: false, status: "up" },
    ]);
    expect(body.checks[0]?.latency_ms).toBeGreaterThanOrEqual(15);
    expect(typeof body.checks[1]?.latency_ms).toBe("number");
  });

  test("503 fail when a critical probe is down, naming it and its error", async () => {
    const { app } = setup([down("db"), up("cache", false)]);
    const { status, body } = await ready(app);
    expect(status).toBe(503);
    expect(body.status).toBe("fail");
    expect(body.checks[0]).toMatchObject({
      name: "db",
      status: "down",
      error: "connect ECONNREFUSED 127.0.0.1:5432 (db)",
    });
    expect(body.checks[1]).toMatchObject({ name: "cache", status: "up" });
  });

  test("200 degraded when only a non-critical probe is down", async () => {
    const { app } = setup([up("db"), down("cache", false)]);
    const { status, body } = await ready(app);
    expect(status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.checks[1]).toMatchObject({ name: "cache", critical: false, status: "down" });
  });

  test("a probe that hangs is cut at its timeout and counted as down", async () => {
    const { app } = setup([hangs("bus"), up("db")]);
    const { status, body } = await ready(app);
    expect(status).toBe(503);
    expect(body.checks[0]).toMatchObject({ name: "bus", status: "down", error: "timed out after 50 ms" });
    expect(body.checks[0]?.latency_ms).toBeGreaterThanOrEqual(45);
  });

  test("a hanging non-critical probe degrades but does not fail readiness", async () => {
    const { app } = setup([hangs("search", false), up("db")]);
    const { status, body } = await ready(app);
    expect(status).toBe(200);
    expect(body.status).toBe("degraded");
  });

  test("probes run in parallel", async () => {
    const order: string[] = [];
    const probe = (name: string, ms: number): HealthProbe => ({
      name,
      critical: true,
      timeoutMs: 1000,
      run: async () => {
        order.push(`start ${name}`);
        await Bun.sleep(ms);
        order.push(`end ${name}`);
      },
    });
    const { app } = setup([probe("slow", 40), probe("fast", 1)]);
    await ready(app);
    expect(order).toEqual(["start slow", "start fast", "end fast", "end slow"]);
  });

  test("probes added after creation count; a duplicate name is refused", async () => {
    const { app, addProbe } = setup([up("db")]);
    expect((await ready(app)).status).toBe(200);
    addProbe(down("redis"));
    const { status, body } = await ready(app);
    expect(status).toBe(503);
    expect(body.checks.map((check) => check.name)).toEqual(["db", "redis"]);
    expect(() => addProbe(up("redis"))).toThrow(/already registered/);
  });

  test("a probe that throws synchronously is down, not a 500", async () => {
    const { app } = setup([
      {
        name: "sync",
        critical: true,
        timeoutMs: 100,
        run: () => {
          throw new Error("boom");
        },
      },
    ]);
    const { status, body } = await ready(app);
    expect(status).toBe(503);
    expect(body.checks[0]).toMatchObject({ status: "down", error: "boom" });
  });
});
