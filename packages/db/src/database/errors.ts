import { DrizzleQueryError } from "drizzle-orm/errors";
import postgres from "postgres";

/** Name of the environment variable that carries a service's database URL, e.g. `PAYMENTS_DATABASE_URL`. */
export function databaseUrlVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_DATABASE_URL`;
}

/** Error text for logs and messages; never includes the URL, which may hold a password. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join("; ");
  }
  if (error instanceof DrizzleQueryError) {
    // Its message repeats the whole statement and parameters; the first line of SQL is enough to find it.
    const statement = error.query.trim().split("\n")[0]?.slice(0, 120) ?? "";
    return `query failed (${statement}): ${describeError(error.cause)}`;
  }
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? ` (${error.code})` : "";
    // Wrapping errors keep what actually went wrong in `cause`.
    const cause = error.cause === undefined ? "" : `: ${describeError(error.cause)}`;
    return `${(error.message || error.name).trim()}${code}${cause}`;
  }
  return String(error);
}

// Socket-level failures: the server is down, restarting or unreachable; retrying later can succeed.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // A compose service name resolves only once its container runs.
  "ENOTFOUND",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
]);

/**
 * True when an error means "Postgres is not reachable right now" rather than "this will never work":
 * socket errors, SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, starting up) and
 * 53300 (too many connections). Everything else (bad password, missing database, failing SQL) is fatal.
 */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof DrizzleQueryError) return isUnavailableError(error.cause);
  if (error instanceof AggregateError) {
    return error.errors.length > 0 && error.errors.every(isUnavailableError);
  }
  if (error instanceof postgres.PostgresError) {
    return error.code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(error.code);
  }
  if (error instanceof Error && "code" in error && typeof error.code === "string") {
    return NETWORK_CODES.has(error.code);
  }
  return false;
}
