import { queryKeys } from "@payments/api-client";
import { publicConfigKey, Spinner, usePlatform, useSession } from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate } from "react-router";

/** Why the security page was opened, so it can say so (the auth remote reads it from the route state). */
export const ADMIN_TWO_FACTOR_REQUIRED = "admin_2fa_required";

/**
 * The admin pages while the system configuration requires two-factor sign-in for admins
 * (`security.require_admin_2fa`, docs/adr/0018): an admin who has not enrolled is sent to the security page
 * to do so. The admin service enforces the rule itself (403 `mfa_required`); this only spares the admin a
 * page of refusals. When either read fails, the pages render and the service's answer speaks.
 */
export function AdminTwoFactorGate({ children }: { children: ReactNode }) {
  const { api } = usePlatform();
  const session = useSession();
  const isAdmin = session.status === "signed_in" && session.user.role === "admin";
  const rule = useQuery({
    queryKey: publicConfigKey,
    queryFn: () => api.admin.publicConfig(),
    select: (config) => config.settings.security.require_admin_2fa,
    enabled: isAdmin,
  });
  const status = useQuery({
    queryKey: queryKeys.twoFactor,
    queryFn: () => api.auth.twoFactor(),
    enabled: isAdmin && rule.data === true,
  });
  if (!isAdmin || rule.isError || rule.data === false) return children;
  if (rule.isPending || status.isPending) return <Spinner label="Checking your sign-in settings" />;
  if (status.data?.enabled === false) {
    return <Navigate to="/account/security" replace state={{ reason: ADMIN_TWO_FACTOR_REQUIRED }} />;
  }
  return children;
}
