/**
 * The fan-out benchmark's clients, in a process of their own: fetches `sockets` one-time tickets from the
 * bench gateway, opens that many WebSockets through the real `/ws` route (Origin header included), says
 * `ready` once all are open, and after `events` events per socket (or the deadline) prints one JSON line:
 * how many opened, how many deliveries arrived, and each delivery's latency in ms (publish → receive).
 * The send time is found by a string scan, not a JSON.parse: on two shared cores the measuring side's own
 * cost per message is part of what gets measured. (A raw TCP client scanning frames was tried: with Bun's
 * socket callbacks it cost more per message than Bun's WebSocket client.)
 * Usage: bun clients.ts <port> <origin> <sockets> <events> <deadlineMs>
 */
const [portArg = "0", origin = "", socketsArg = "0", eventsArg = "0", deadlineArg = "60000"] =
  Bun.argv.slice(2);
const port = Number(portArg);
const sockets = Number(socketsArg);
const expected = Number(eventsArg) * sockets;
if (!(port > 0) || !origin)
  throw new Error("usage: clients.ts <port> <origin> <sockets> <events> <deadlineMs>");

const MARKER = '"occurred_at":"';
const ISO_LENGTH = 24;
const tickets = (await (
  await fetch(`http://127.0.0.1:${port}/bench/tickets?n=${sockets}`, { method: "POST" })
).json()) as string[];
const latencies: number[] = [];
let open = 0;
let failed = 0;
const closers: (() => void)[] = [];
const done = Promise.withResolvers<void>();
const ready = Promise.withResolvers<void>();
const settle = () => {
  if (open + failed === sockets) ready.resolve();
};
const received = (iso: string) => {
  latencies.push(Date.now() - Date.parse(iso));
  if (latencies.length === expected) done.resolve();
};

function openWebSocket(ticket: string): void {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?ticket=${ticket}`, { headers: { origin } });
  ws.onopen = () => {
    open++;
    settle();
  };
  ws.onerror = () => {
    failed++;
    settle();
  };
  ws.onmessage = (message) => {
    const text = String(message.data);
    const at = text.indexOf(MARKER);
    if (at >= 0) received(text.slice(at + MARKER.length, at + MARKER.length + ISO_LENGTH));
  };
  closers.push(() => ws.close());
}

for (const [i, ticket] of tickets.entries()) {
  openWebSocket(ticket);
  // Opening thousands at once overflows the listen backlog; a short pause every 250 keeps it honest.
  if (i % 250 === 249) await Bun.sleep(10);
}
await ready.promise;
console.log("ready");
setTimeout(() => done.resolve(), Number(deadlineArg));
await done.promise;
console.log(JSON.stringify({ open, failed, received: latencies.length, expected, latencies }));
for (const close of closers) close();
process.exit(0);

export {};
