import { afterAll, describe, expect, it } from "bun:test";
import { realServer } from "@payments/testing";
import { sampleEvent } from "../packages/events/src/contract/harness.ts";
import { waitFor } from "../packages/events/src/contract/wait.ts";
import { createRabbitBus, type RabbitBus } from "../packages/events/src/index.ts";
import { captureLogger, deleteTopology, uniqueName } from "../packages/events/src/rabbitmq/test-support.ts";
import { runDlqCommand } from "./events-dlq.ts";

const url = realServer("rabbitmq");

describe("events:dlq usage", () => {
  it("explains itself on a missing command or broker", async () => {
    expect(await runDlqCommand([], "amqp://unused")).toMatchObject({
      code: 2,
      output: expect.stringContaining("usage"),
    });
    expect(await runDlqCommand(["list"])).toEqual({
      code: 2,
      output: "no broker: pass --url or set RABBITMQ_URL",
    });
  });
});

describe.if(Boolean(url))("events:dlq against RabbitMQ", () => {
  const amqpUrl = url ?? "";
  let bus: RabbitBus | undefined;
  afterAll(async () => {
    if (!bus) return;
    await bus.close();
    await deleteTopology(amqpUrl, bus.topology());
  });

  it("lists, inspects, replays one event by id and purges", async () => {
    bus = createRabbitBus({
      url: amqpUrl,
      logger: captureLogger().logger,
      exchange: uniqueName("dlqcli"),
    });
    const queue = uniqueName("dlqcli");
    let healthy = false;
    const handled: string[] = [];
    await bus.subscribe(
      queue,
      ["payment.*"],
      async (event) => {
        if (!healthy) throw new Error("processor offline");
        handled.push(event.id);
      },
      { retryDelaysMs: [], maxAttempts: 1 },
    );
    const [first, second] = [sampleEvent("payment.failed"), sampleEvent("payment.canceled")];
    await bus.publish(first);
    await bus.publish(second);
    const run = (...argv: string[]) => runDlqCommand([...argv, "--url", amqpUrl]);
    await waitFor(async () => (await run("list", queue, "--json")).output.includes('"dead_letters": 2'), {
      description: "two dead letters",
    });

    const listed = await run("list", queue, "no.such.queue");
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(new RegExp(`${queue.replaceAll(".", "\\.")}\\s+0\\s+1\\s+2`));
    expect(listed.output).toContain("no.such.queue");
    expect(listed.output).toContain("not declared");

    const inspected = await run("inspect", queue);
    expect(inspected.code).toBe(0);
    expect(inspected.output).toContain(first.id);
    expect(inspected.output).toContain("reason: processor offline");

    healthy = true;
    expect(await run("replay", queue, "--id", second.id)).toEqual({
      code: 0,
      output: `replayed 1 dead letter(s) into ${queue}`,
    });
    await waitFor(() => handled.length === 1, { description: "the replayed event" });
    expect(handled).toEqual([second.id]);

    expect((await run("purge", queue)).code).toBe(2);
    expect(await run("purge", queue, "--yes")).toEqual({
      code: 0,
      output: `purged 1 dead letter(s) from ${queue}.dlq`,
    });
    expect((await run("inspect", queue)).output).toBe(`no dead letters in ${queue}.dlq`);
  });
});
