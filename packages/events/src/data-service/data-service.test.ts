import { expect, it } from "bun:test";
import { createShutdown, type Shutdown } from "@payments/service-kit";
import { Registry } from "prom-client";
import { sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import {
  describeOnFixtureDatabases,
  FIXTURE_MIGRATIONS,
  fixtureSchema,
  quietLogger,
  RecordingPublisher,
} from "../outbox/test-support.ts";
import { withEvents } from "../outbox/with-events.ts";
import { startDataService } from "./data-service.ts";

/** A real shutdown that also records the order closers were registered in. */
function recordingShutdown(): { shutdown: Shutdown; names: string[] } {
  const shutdown = createShutdown(quietLogger, { exit: () => {} });
  const names: string[] = [];
  const add = shutdown.add.bind(shutdown);
  shutdown.add = (name, close) => {
    names.push(name);
    add(name, close);
  };
  return { shutdown, names };
}

function dataServiceSuite(getUrl: () => string | undefined): void {
  it("opens the migrated database, relays what withEvents commits, and shuts down relay before database", async () => {
    const bus = new RecordingPublisher();
    const { shutdown, names } = recordingShutdown();
    const data = await startDataService({
      service: "eventstest",
      url: getUrl(),
      dataDir: "memory://",
      poolSize: 2,
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      infra: { bus, shutdown },
      logger: quietLogger,
      registry: new Registry(),
    });
    await data.migrated;
    // A probe resolves when its dependency is up and rejects when it is down.
    await data.probe.run();

    // The data service is itself what withEvents needs: its database and the relay's wake.
    const event = sampleEvent("payment.created");
    await withEvents(data, async (_tx, emit) => emit(event));
    await waitFor(() => bus.ids().includes(event.id), { description: "the relay to publish the event" });

    // Registered database first, so it closes last: the relay's last pass still has its connections.
    expect(names).toEqual(["eventstest database", "eventstest outbox relay"]);
    await shutdown.run("test");
    await expect(data.probe.run()).rejects.toThrow();
  }, 60_000);

  it("starts relaying when the process says it is ready, and names the kind of its database", async () => {
    const bus = new RecordingPublisher();
    const { shutdown } = recordingShutdown();
    let ready = () => {};
    const data = await startDataService({
      service: "eventstest",
      url: getUrl(),
      dataDir: "memory://",
      poolSize: 2,
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      infra: { bus, shutdown, ready: new Promise<void>((resolve) => (ready = resolve)) },
      logger: quietLogger,
      registry: new Registry(),
    });
    expect(data.kind).toBe(getUrl() ? "postgres" : "pglite");
    // Consumers leave connections for requests and the readiness probe: half of this pool of 2, or PGlite's few.
    expect(data.consumerPrefetch).toBe(getUrl() ? 1 : 4);
    const event = sampleEvent("payment.created");
    await withEvents(data, async (_tx, emit) => emit(event));
    await Bun.sleep(100);
    expect(bus.ids()).not.toContain(event.id);
    ready();
    await waitFor(() => bus.ids().includes(event.id), { description: "the relay after readiness" });
    await shutdown.run("test");
  }, 60_000);
}

// The suite starts its own data service: on Postgres in the run's fresh database, else on its own PGlite.
describeOnFixtureDatabases("startDataService", (run) => dataServiceSuite(run.url));
