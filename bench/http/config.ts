/** The one place the HTTP benchmark reads the environment: the PATH its Caddy child runs with. */
export function benchPath(): string {
  return process.env.PATH ?? "/usr/bin:/bin";
}
