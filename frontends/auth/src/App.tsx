import type { RemoteAppProps } from "@payments/api-client";
import { RemoteRoot, Spinner, useSession } from "@payments/ui";
import type { ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router";
import { ChangePasswordPage } from "./pages/ChangePasswordPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { RegisterPage } from "./pages/RegisterPage.tsx";
import { SessionsPage } from "./pages/SessionsPage.tsx";

function SignedIn({ basePath, children }: { basePath: string; children: ReactNode }) {
  const session = useSession();
  if (session.status === "unknown") return <Spinner label="Checking your session" />;
  if (session.status === "signed_out") return <Navigate to={`${basePath}/login`} replace />;
  return children;
}

/** The auth remote (mounted at `/account` by the shell): sign in, register, password, devices. */
export default function AuthApp({ platform, basePath }: RemoteAppProps) {
  return (
    <RemoteRoot platform={platform}>
      <Routes>
        <Route path="login" element={<LoginPage basePath={basePath} />} />
        <Route path="register" element={<RegisterPage basePath={basePath} />} />
        <Route
          path="password"
          element={
            <SignedIn basePath={basePath}>
              <ChangePasswordPage />
            </SignedIn>
          }
        />
        <Route
          path="sessions"
          element={
            <SignedIn basePath={basePath}>
              <SessionsPage basePath={basePath} />
            </SignedIn>
          }
        />
        <Route path="*" element={<Navigate to={`${basePath}/sessions`} replace />} />
      </Routes>
    </RemoteRoot>
  );
}
