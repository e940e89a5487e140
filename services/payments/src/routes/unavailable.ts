import { isUnavailableError } from "@payments/db";
import { type KitEnv, type Logger, unavailable } from "@payments/service-kit";
import type { ErrorHandler } from "hono";

/** At most one warning per this interval while the database is down (every request would log otherwise). */
const WARN_INTERVAL_MS = 10_000;

/**
 * Error handler of the payment route groups: a database that is down, restarting or refusing connections
 * becomes 503 `unavailable` (the client retries with the same Idempotency-Key), not 500 `internal`. Every
 * other error goes on, unchanged, to the service's error handler (Hono hands a group handler's throw to
 * the app's `onError`), which renders the uniform error JSON.
 */
export function databaseUnavailableAs503(logger: Logger): ErrorHandler<KitEnv> {
  let lastWarnAt = 0;
  let suppressed = 0;
  return (error) => {
    if (!isUnavailableError(error)) throw error;
    const at = Date.now();
    if (at - lastWarnAt >= WARN_INTERVAL_MS) {
      logger.warn({ err: error, suppressed }, "payments: database unavailable; answering 503");
      lastWarnAt = at;
      suppressed = 0;
    } else suppressed++;
    const answer = unavailable("The payments database is unavailable; retry shortly with the same request.");
    answer.cause = error;
    throw answer;
  };
}
