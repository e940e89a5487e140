import type { RemoteAppProps } from "@payments/api-client";
import { RemoteRoot, Spinner, useSession } from "@payments/ui";
import { lazy, type ReactNode, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";
import { LoginPage } from "./pages/LoginPage.tsx";

// Sign-in is where signed-out people land; the other pages are fetched when first opened.
const RegisterPage = lazy(() =>
  import("./pages/RegisterPage.tsx").then((module) => ({ default: module.RegisterPage })),
);
const ChangePasswordPage = lazy(() =>
  import("./pages/ChangePasswordPage.tsx").then((module) => ({ default: module.ChangePasswordPage })),
);
const SessionsPage = lazy(() =>
  import("./pages/SessionsPage.tsx").then((module) => ({ default: module.SessionsPage })),
);

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
      <Suspense fallback={<Spinner label="Loading the page" />}>
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
      </Suspense>
    </RemoteRoot>
  );
}
