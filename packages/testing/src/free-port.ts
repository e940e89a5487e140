/** One way to pick a port for the private servers the test helpers start. */
import { createServer } from "node:net";

/**
 * A port on 127.0.0.1 that nothing listens on right now (the OS picks it). Another process can take it
 * before the caller binds it; the private-server helpers then fail with the server's own bind error.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no TCP port was assigned"))));
    });
  });
}
