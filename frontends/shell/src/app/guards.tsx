import type { Role } from "@payments/api-client";
import { Alert, Spinner, useSession } from "@payments/ui";
import type { ReactNode } from "react";
import { Link, Navigate, useLocation } from "react-router";
import { homeFor } from "./nav.ts";

/**
 * Renders its children for a signed-in user (of `requiredRole`, if given). Without a session — including one that
 * just ended in another tab or failed to refresh — it sends the user to the login page, which names why.
 */
export function RequireSession({ requiredRole, children }: { requiredRole?: Role; children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === "unknown") return <Spinner label="Checking your session" />;
  if (session.status === "signed_out") {
    return <Navigate to="/account/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (requiredRole && session.user.role !== requiredRole) {
    return (
      <Alert tone="warning" title="This page is not for your account">
        <p>
          It needs the {requiredRole} role. <Link to={homeFor(session.user.role)}>Go to your start page</Link>
          .
        </p>
      </Alert>
    );
  }
  return children;
}

/** `/`: the role's start page, or the login page. */
export function Home() {
  const session = useSession();
  if (session.status === "unknown") return <Spinner label="Checking your session" />;
  if (session.status === "signed_out") return <Navigate to="/account/login" replace />;
  return <Navigate to={homeFor(session.user.role)} replace />;
}

/** Unknown route. */
export function NotFound() {
  return (
    <Alert tone="info" title="Page not found">
      <p>
        There is nothing at this address. <Link to="/">Go to the start page</Link>.
      </p>
    </Alert>
  );
}
