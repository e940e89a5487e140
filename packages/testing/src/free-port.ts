/** One way to pick a port for the servers tests and the e2e run start. */
import { createServer } from "node:net";

// Below Linux's ephemeral range (32768–60999), where the kernel takes the local ports of outgoing
// connections: a port the OS handed out with `listen(0)` sits in that range, and between picking it and
// binding it (the e2e run builds the frontends and starts the platform in between) an outgoing connection
// to Postgres, Redis or a service could take it — Caddy then failed with EADDRINUSE. Above the private
// RabbitMQ nodes' range (12000–19000, see packages/events).
const LOW = 20_000;
const HIGH = 32_000;
const ATTEMPTS = 100;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    // The wildcard address: a listener on 127.0.0.1 or on every interface both make the port unusable.
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

/**
 * A port that nothing listens on right now, outside the range outgoing connections draw from. Another test
 * may still pick the same one before the caller binds it (1 in ~12,000 per pair); the private-server helpers
 * then fail with the server's own bind error.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free TCP port between ${LOW} and ${HIGH} after ${ATTEMPTS} tries`);
}
