/**
 * Spawned by `src/rabbitmq/faults.test.ts`: a consumer that commits its handler's transaction (inbox row and
 * effect), says so on stdout, then never returns — so it never acks. The test kills it with SIGKILL there.
 * Usage: bun commit-then-hang.ts <amqp url> <exchange> <queue> <postgres url>
 */
import { pino } from "pino";
import { Registry } from "prom-client";
import { applyOnce } from "../src/inbox/index.ts";
import { applied, openFixtureDatabase } from "../src/outbox/test-support.ts";
import { createRabbitBus } from "../src/rabbitmq/index.ts";

const [url, exchange, queue, databaseUrl] = process.argv.slice(2);
if (!url || !exchange || !queue || !databaseUrl)
  throw new Error("usage: commit-then-hang <url> <exchange> <queue> <db>");

const handle = await openFixtureDatabase(databaseUrl, 2);
const bus = createRabbitBus({ url, exchange, logger: pino({ level: "silent" }), registry: new Registry() });
await bus.subscribe(queue, ["payment.*"], async (event) => {
  await applyOnce(handle.db, queue, event, async (tx) => {
    await tx.insert(applied).values({ eventId: event.id });
  });
  console.log(`committed ${event.id}`);
  await new Promise<never>(() => {});
});
console.log("ready");
