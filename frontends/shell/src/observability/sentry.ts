/** Reports errors to Sentry when a DSN is configured. */
export interface ErrorReporter {
  report(error: unknown): void;
}

type SentryModule = typeof import("@sentry/react");
type SentryEvent = Parameters<NonNullable<Parameters<SentryModule["init"]>[0]>["beforeSend"] & {}>[0];

const SECRET_PARAMS = /([?&](?:ticket|token|access_token|code)=)[^&#]*/gi;

/** Removes credentials from what leaves the browser: auth headers, cookies, tickets in URLs. */
export function scrubEvent<E extends SentryEvent>(event: E): E {
  const request = event.request;
  if (request) {
    if (request.headers) {
      const headers = { ...request.headers };
      delete headers.Authorization;
      delete headers.authorization;
      delete headers.Cookie;
      delete headers.cookie;
      request.headers = headers;
    }
    delete request.cookies;
    if (request.url) request.url = request.url.replace(SECRET_PARAMS, "$1[redacted]");
  }
  for (const crumb of event.breadcrumbs ?? []) {
    const url = crumb.data?.url;
    if (typeof url === "string" && crumb.data) crumb.data.url = url.replace(SECRET_PARAMS, "$1[redacted]");
  }
  return event;
}

/**
 * Sentry only when configured: with no DSN nothing is downloaded (the SDK is a separate chunk loaded on
 * demand), so the default build carries no Sentry bytes. Errors raised before the SDK arrives are queued.
 */
export function createErrorReporter(options: {
  dsn: string | undefined;
  environment: string;
  release: string | undefined;
}): ErrorReporter {
  const { dsn } = options;
  if (!dsn) return { report: () => {} };
  let sentry: SentryModule | undefined;
  const queue: unknown[] = [];
  import("@sentry/react")
    .then((module) => {
      module.init({
        dsn,
        environment: options.environment,
        ...(options.release ? { release: options.release } : {}),
        beforeSend: (event) => scrubEvent(event),
      });
      sentry = module;
      for (const error of queue.splice(0)) module.captureException(error);
    })
    .catch(() => {
      // Blocked by an extension or offline: reporting is best effort.
    });
  return {
    report(error) {
      if (sentry) sentry.captureException(error);
      else if (queue.length < 20) queue.push(error);
    },
  };
}
