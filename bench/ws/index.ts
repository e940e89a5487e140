/**
 * WebSocket fan-out (not a timed test): 1,000 and 10,000 sockets on the gateway's hub, each receiving every
 * one of a burst of payment events; reports delivery latency (publish → client) and deliveries per second.
 * Server and clients are separate Bun processes. Run: `bun bench/ws/index.ts` (or `bun run bench ws`).
 */
const here = new URL(".", import.meta.url).pathname;
const EVENTS = 20;

interface ClientResult {
  open: number;
  received: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
}

async function lines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  let buffer = "";
  for await (const chunk of stream) {
    buffer += new TextDecoder().decode(chunk);
    let i = buffer.indexOf("\n");
    while (i >= 0) {
      onLine(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      i = buffer.indexOf("\n");
    }
  }
}

async function run(sockets: number): Promise<string> {
  const server = Bun.spawn(["bun", `${here}server.ts`], { stdout: "pipe", stderr: "inherit" });
  try {
    const port = await new Promise<number>((resolve) => {
      void lines(server.stdout, (line) => resolve((JSON.parse(line) as { port: number }).port));
    });
    const clients = Bun.spawn(
      ["bun", `${here}clients.ts`, `ws://127.0.0.1:${port}/ws`, String(sockets), String(EVENTS), "60000"],
      {
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    const result = Promise.withResolvers<ClientResult>();
    const ready = Promise.withResolvers<void>();
    void lines(clients.stdout, (line) => {
      if (line === "ready") ready.resolve();
      else if (line.startsWith("{")) result.resolve(JSON.parse(line) as ClientResult);
    });
    await Promise.race([ready.promise, Bun.sleep(60_000)]);
    await Bun.sleep(500);
    const started = performance.now();
    await fetch(`http://127.0.0.1:${port}/dispatch?n=${EVENTS}&gapMs=50`, { method: "POST" });
    const r = await result.promise;
    if (!Number.isFinite(r.p50)) throw new Error(`no deliveries measured: ${JSON.stringify(r)}`);
    const seconds = (performance.now() - started) / 1000;
    await clients.exited;
    return `| ${sockets.toLocaleString("en")} | ${r.open.toLocaleString("en")} | ${EVENTS} | ${r.received.toLocaleString("en")} / ${r.expected.toLocaleString("en")} | ${Math.round(r.received / seconds).toLocaleString("en")} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`;
  } finally {
    server.kill();
    await server.exited;
  }
}

console.log("WebSocket fan-out on the gateway hub (events 50 ms apart, every socket in role:admin)\n");
console.log("| sockets | open | events | delivered | deliveries/s | p50 ms | p99 ms | max ms |");
console.log("|---|---|---|---|---|---|---|---|");
for (const sockets of [1_000, 10_000]) console.log(await run(sockets));
