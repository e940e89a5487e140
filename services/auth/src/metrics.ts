import { ApiError } from "@payments/service-kit";
import { Counter, type Registry } from "prom-client";

/** What became of a sign-in attempt; a fixed set, so the label stays bounded. */
export type LoginOutcome =
  | "success"
  | "mfa_required"
  | "invalid_credentials"
  | "invalid_mfa_code"
  | "account_deactivated"
  | "rate_limited"
  | "rejected"
  | "error";

/** The outcomes, in the order dashboards list them (each series exists from the start, at 0). */
export const LOGIN_OUTCOMES: readonly LoginOutcome[] = [
  "success",
  "mfa_required",
  "invalid_credentials",
  "invalid_mfa_code",
  "account_deactivated",
  "rate_limited",
  "rejected",
  "error",
];

/** Auth's business metrics, on the service's registry. */
export interface AuthMetrics {
  /** One sign-in step ended with `outcome`. */
  login(outcome: LoginOutcome): void;
  /** An account was created. */
  registered(): void;
}

/** The outcome a failed sign-in step's error stands for. */
export function loginOutcomeOf(error: unknown): LoginOutcome {
  if (!(error instanceof ApiError)) return "error";
  if (error.code === "invalid_credentials" || error.code === "invalid_mfa_code") return error.code;
  if (error.code === "account_deactivated") return "account_deactivated";
  if (error.status === 429) return "rate_limited";
  return error.status < 500 ? "rejected" : "error";
}

function counter<T extends string>(registry: Registry, name: string, make: () => Counter<T>): Counter<T> {
  const existing = registry.getSingleMetric(name);
  return existing instanceof Counter ? (existing as Counter<T>) : make();
}

/** Creates (or finds, for a second app on one registry) the auth metrics on `registry`. */
export function createAuthMetrics(registry: Registry): AuthMetrics {
  const logins = counter(
    registry,
    "auth_logins_total",
    () =>
      new Counter({
        name: "auth_logins_total",
        help: "Sign-in steps by outcome (a two-factor sign-in counts mfa_required, then its second step's outcome)",
        labelNames: ["outcome"],
        registers: [registry],
      }),
  );
  for (const outcome of LOGIN_OUTCOMES) logins.inc({ outcome }, 0);
  const registrations = counter(
    registry,
    "auth_registrations_total",
    () => new Counter({ name: "auth_registrations_total", help: "Accounts created", registers: [registry] }),
  );
  return {
    login: (outcome) => logins.inc({ outcome }),
    registered: () => registrations.inc(),
  };
}

/** Runs one sign-in step and counts its outcome: `outcome` of the result, or the error's. */
export async function countedLogin<T>(
  metrics: AuthMetrics,
  step: () => Promise<T>,
  outcome: (result: T) => LoginOutcome,
): Promise<T> {
  let result: T;
  try {
    result = await step();
  } catch (error) {
    metrics.login(loginOutcomeOf(error));
    throw error;
  }
  metrics.login(outcome(result));
  return result;
}
