/**
 * Two gateways, one platform: a payment created through one gateway container reaches a WebSocket held on
 * the other (each gateway binds its own queue to the topic exchange, ARCHITECTURE §7). Caddy balances
 * between them, so the test talks to each container on the stack network by its address to choose which.
 */
import { describe, expect, it } from "bun:test";
import { randomUUID } from "node:crypto";
import type { StackContainer } from "../../scripts/stack/health.ts";
import { call, container, edge, payeeKnown, register, type StackUser } from "./stack.ts";

interface Pushed {
  type?: string;
  event?: { type?: string; data?: { id?: string; payment?: { id?: string } } };
}

/**
 * Bun's WebSocket takes request headers (the Origin a browser would send); e2e's tsconfig also loads the DOM
 * library, whose constructor type does not know that overload.
 */
const HeaderedWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

/** Opens a socket on one gateway container; resolves with the ids of `payment.created` pushes as they come. */
async function socketOn(gateway: StackContainer, user: StackUser) {
  const base = `http://${gateway.ip}:3000`;
  const ticket = await call("POST", "/api/realtime/ticket", { token: user.token, base });
  expect(ticket.status, ticket.text).toBe(200);
  const ws = new HeaderedWebSocket(
    `ws://${gateway.ip}:3000/ws?ticket=${(ticket.json as { ticket: string }).ticket}`,
    {
      // The gateway accepts sockets only from the edge's origin.
      headers: { origin: edge() },
    },
  );
  const messages: Pushed[] = [];
  ws.onmessage = (m) => messages.push(JSON.parse(String(m.data)) as Pushed);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`socket on ${gateway.name} failed`));
    setTimeout(() => reject(new Error(`socket on ${gateway.name} did not open`)), 10_000);
  });
  return { ws, messages };
}

async function payThrough(gateway: StackContainer, customer: StackUser, vendor: StackUser): Promise<string> {
  const res = await call("POST", "/api/payments", {
    base: `http://${gateway.ip}:3000`,
    token: customer.token,
    headers: { "idempotency-key": randomUUID() },
    body: { payee_id: vendor.id, amount: 2_501, currency: "usd" },
  });
  expect(res.status, res.text).toBe(201);
  return (res.json as { id: string }).id;
}

describe("two gateway containers", () => {
  // Two registrations, two sockets and two payments through a loaded stack, each push given 20 s: bun's
  // default 5 s per test cut it short while the containers were busy.
  it("push an event created through one to a socket held on the other, both ways", async () => {
    const first = await container("gateway", 0);
    const second = await container("gateway", 1);
    expect(first.ip).not.toBe(second.ip);
    const customer = await register("customer", "xgw");
    const vendor = await register("vendor", "xgwshop");
    await payeeKnown(customer, vendor);

    for (const [holder, creator] of [
      [first, second],
      [second, first],
    ] as const) {
      const socket = await socketOn(holder, customer);
      try {
        const id = await payThrough(creator, customer, vendor);
        const deadline = Date.now() + 20_000;
        const arrived = () =>
          socket.messages.some(
            (m) =>
              m.event?.type === "payment.created" &&
              (m.event.data?.id === id || m.event.data?.payment?.id === id || JSON.stringify(m).includes(id)),
          );
        while (!arrived() && Date.now() < deadline) await Bun.sleep(100);
        expect(`${creator.name} → socket on ${holder.name}: ${arrived() ? "pushed" : "not pushed"}`).toBe(
          `${creator.name} → socket on ${holder.name}: pushed`,
        );
      } finally {
        socket.ws.close();
      }
    }
  }, 90_000);
});
