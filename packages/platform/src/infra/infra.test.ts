import { describe, expect, test } from "bun:test";
import { createLogger, createShutdown } from "@payments/service-kit";
import { infraEnv, loadInfraEnv } from "./config.ts";
import { createSharedInfra } from "./infra.ts";

const logger = createLogger({ service: "infra-test", level: "silent" });

/** Whether `promise` has settled by the next macrotask. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await Bun.sleep(0);
  return done;
}

describe("shared infrastructure readiness", () => {
  test("is ready at once by default (tests, tools): relays start as they always did", async () => {
    const shutdown = createShutdown(logger);
    const infra = await createSharedInfra({}, logger, shutdown);
    expect(await settled(infra.ready)).toBe(true);
    await shutdown.run("test");
  });

  test("a runner defers it until every service listens", async () => {
    const shutdown = createShutdown(logger);
    const infra = await createSharedInfra({}, logger, shutdown, { deferReady: true });
    expect(await settled(infra.ready)).toBe(false);
    infra.markReady();
    expect(await settled(infra.ready)).toBe(true);
    await shutdown.run("test");
  });
});

describe("embedded database settings (EMBEDDED_DB_SETTINGS)", () => {
  test("are read as name=value pairs and handed to the data services", async () => {
    const env = loadInfraEnv({ EMBEDDED_DB_SETTINGS: "shared_buffers=128MB, maintenance_work_mem=64MB" });
    expect(env.EMBEDDED_DB_SETTINGS).toEqual({ shared_buffers: "128MB", maintenance_work_mem: "64MB" });
    const shutdown = createShutdown(logger);
    const infra = await createSharedInfra(env, logger, shutdown);
    expect(infra.embeddedDatabaseSettings).toEqual({ shared_buffers: "128MB", maintenance_work_mem: "64MB" });
    await shutdown.run("test");
  });

  test("are absent by default, and a malformed list is refused", async () => {
    const shutdown = createShutdown(logger);
    const infra = await createSharedInfra(loadInfraEnv({}), logger, shutdown);
    expect(infra.embeddedDatabaseSettings).toBeUndefined();
    await shutdown.run("test");
    expect(infraEnv.safeParse({ EMBEDDED_DB_SETTINGS: "shared_buffers" }).success).toBe(false);
    expect(infraEnv.safeParse({ EMBEDDED_DB_SETTINGS: "a=1,,b=2" }).success).toBe(false);
  });
});
