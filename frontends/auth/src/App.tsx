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
const DevelopersPage = lazy(() =>
  import("./pages/DevelopersPage.tsx").then((module) => ({ default: module.DevelopersPage })),
);
const SecurityPage = lazy(() =>
  import("./pages/SecurityPage.tsx").then((module) => ({ default: module.SecurityPage })),
);

// Pages a mailed link opens (docs/adr/0017), and the way there from the sign-in page.
const ForgotPasswordPage = lazy(() =>
  import("./pages/ForgotPasswordPage.tsx").then((module) => ({ default: module.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import("./pages/ResetPasswordPage.tsx").then((module) => ({ default: module.ResetPasswordPage })),
);
const VerifyEmailPage = lazy(() =>
  import("./pages/VerifyEmailPage.tsx").then((module) => ({ default: module.VerifyEmailPage })),
);
const AcceptInvitationPage = lazy(() =>
  import("./pages/AcceptInvitationPage.tsx").then((module) => ({ default: module.AcceptInvitationPage })),
);

function SignedIn({ basePath, children }: { basePath: string; children: ReactNode }) {
  const session = useSession();
  if (session.status === "unknown") return <Spinner label="Checking your session" />;
  if (session.status === "signed_out") return <Navigate to={`${basePath}/login`} replace />;
  return children;
}

/** The auth remote (mounted at `/account` by the shell): sign in, register, password, devices, security. */
export default function AuthApp({ platform, basePath }: RemoteAppProps) {
  return (
    <RemoteRoot platform={platform}>
      <Suspense fallback={<Spinner label="Loading the page" />}>
        <Routes>
          <Route path="login" element={<LoginPage basePath={basePath} />} />
          <Route path="register" element={<RegisterPage basePath={basePath} />} />
          <Route path="forgot" element={<ForgotPasswordPage basePath={basePath} />} />
          <Route path="reset" element={<ResetPasswordPage basePath={basePath} />} />
          <Route path="verify" element={<VerifyEmailPage />} />
          <Route path="invitation" element={<AcceptInvitationPage basePath={basePath} />} />
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
          <Route
            path="security"
            element={
              <SignedIn basePath={basePath}>
                <SecurityPage />
              </SignedIn>
            }
          />
          <Route
            path="developers"
            element={
              <SignedIn basePath={basePath}>
                <DevelopersPage />
              </SignedIn>
            }
          />
          <Route path="*" element={<Navigate to={`${basePath}/sessions`} replace />} />
        </Routes>
      </Suspense>
    </RemoteRoot>
  );
}
