/**
 * The fan-out benchmark's clients, in a process of their own: opens `sockets` WebSockets to the hub, says
 * `ready` once all are open, records for every event when each socket received it, and after `events`
 * events per socket (or the deadline) prints one JSON line: deliveries and latency percentiles.
 */
const [url = "", socketsArg = "0", eventsArg = "0", deadlineArg = "60000"] = Bun.argv.slice(2);
if (!/^ws:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error("clients: loopback ws:// URL required");
const sockets = Number(socketsArg);
const expected = Number(eventsArg);
const latencies: number[] = [];
let received = 0;
let open = 0;
const all: WebSocket[] = [];
const done = Promise.withResolvers<void>();

for (let i = 0; i < sockets; i++) {
  const ws = new WebSocket(url);
  ws.onopen = () => {
    open++;
    if (open === sockets) console.log("ready");
  };
  ws.onmessage = (message) => {
    const parsed = JSON.parse(String(message.data)) as { type: string; event?: { occurred_at?: string } };
    if (parsed.type !== "event") return;
    latencies.push(Date.now() - Date.parse(parsed.event?.occurred_at ?? ""));
    received++;
    if (received === sockets * expected) done.resolve();
  };
  all.push(ws);
  // Opening thousands at once overflows the listen backlog; a short pause every 500 keeps it honest.
  if (i % 500 === 499) await Bun.sleep(20);
}
setTimeout(() => done.resolve(), Number(deadlineArg));
await done.promise;
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
console.log(
  JSON.stringify({
    open,
    received,
    expected: sockets * expected,
    p50: at(50),
    p99: at(99),
    max: latencies.at(-1) ?? Number.NaN,
  }),
);
for (const ws of all) ws.close();
process.exit(0);

export {};
