import { type JwtVerifier, requireAuth } from "@payments/auth-verify";
import { ApiError } from "@payments/service-kit";
import { readConfig } from "../actions/config.ts";
import type { AdminCore } from "../core.ts";
import type { AdminGuard } from "./http.ts";

/** 403 for an admin whose session has no second factor while the configuration requires one. */
export function mfaRequired(): ApiError {
  return new ApiError(
    403,
    "permission",
    "mfa_required",
    "Administrators must sign in with two-factor authentication: enable it under Account → Security, then sign in again.",
  );
}

/**
 * The guard of every admin route: a valid admin token, and — while the system configuration says
 * `security.require_admin_2fa` — one whose session signed in with a second factor (`amr` names `mfa`,
 * docs/adr/0018). The rule is read from this service's own (cached) configuration, so it applies to the
 * next request after a change, without a restart. Enrolling stays possible: it is auth's route, not ours.
 */
export function adminGuard(core: AdminCore, verifier: JwtVerifier): AdminGuard {
  return requireAuth(verifier, {
    roles: ["admin"],
    async check(auth) {
      // Other roles are refused by the role check (403 forbidden) without reading the configuration.
      if (auth.role !== "admin" || auth.mfa) return;
      const { settings } = await readConfig(core);
      if (settings.security.require_admin_2fa) throw mfaRequired();
    },
  });
}
