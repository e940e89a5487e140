import type { Platform } from "@payments/api-client";
import { RemoteRoot, Spinner } from "@payments/ui";
import { lazy, type ReactNode, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { REMOTE_PATHS, type RemoteLoader } from "../remotes/loader.ts";
import { RemoteSlot } from "../remotes/RemoteSlot.tsx";
import { Home, NotFound, RequireSession } from "./guards.tsx";
import { Layout } from "./Layout.tsx";
import { AdminTwoFactorGate } from "./two-factor-gate.tsx";

// Not part of the first load: only a signed-in user who opens them needs them.
const PreferencesPage = lazy(() =>
  import("../prefs/PreferencesPage.tsx").then((module) => ({ default: module.PreferencesPage })),
);
const NotificationsPage = lazy(() =>
  import("../notifications/NotificationsPage.tsx").then((module) => ({ default: module.NotificationsPage })),
);
const ProfilePage = lazy(() =>
  import("../profile/ProfilePage.tsx").then((module) => ({ default: module.ProfilePage })),
);

/** The route pattern of everything a remote owns (`payments/*`). */
function remoteRoute(name: keyof typeof REMOTE_PATHS): string {
  return `${REMOTE_PATHS[name].slice(1)}/*`;
}

/** The shell's routes: each remote owns everything under its prefix and is loaded when first visited. */
export function ShellRoutes({ loader }: { loader: RemoteLoader }) {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="login" element={<Navigate to="/account/login" replace />} />
        <Route path="register" element={<Navigate to="/account/register" replace />} />
        <Route
          path={remoteRoute("auth")}
          element={<RemoteSlot name="auth" basePath={REMOTE_PATHS.auth} loader={loader} />}
        />
        <Route
          path={remoteRoute("payments")}
          element={
            <RequireSession>
              <RemoteSlot name="payments" basePath={REMOTE_PATHS.payments} loader={loader} />
            </RequireSession>
          }
        />
        <Route
          path={remoteRoute("admin")}
          element={
            <RequireSession requiredRole="admin">
              <AdminTwoFactorGate>
                <RemoteSlot name="admin" basePath={REMOTE_PATHS.admin} loader={loader} />
              </AdminTwoFactorGate>
            </RequireSession>
          }
        />
        <Route
          path="preferences"
          element={
            <RequireSession>
              <Suspense fallback={<Spinner label="Loading preferences" />}>
                <PreferencesPage />
              </Suspense>
            </RequireSession>
          }
        />
        <Route
          path="profile"
          element={
            <RequireSession>
              <Suspense fallback={<Spinner label="Loading your profile" />}>
                <ProfilePage />
              </Suspense>
            </RequireSession>
          }
        />
        <Route
          path="notifications"
          element={
            <RequireSession>
              <Suspense fallback={<Spinner label="Loading notifications" />}>
                <NotificationsPage />
              </Suspense>
            </RequireSession>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** The shell: platform context, router, routes, and whatever sits outside the layout (update prompt). */
export function App({
  platform,
  loader,
  extras,
}: {
  platform: Platform;
  loader: RemoteLoader;
  extras?: ReactNode;
}) {
  return (
    <RemoteRoot platform={platform}>
      <BrowserRouter>
        <ShellRoutes loader={loader} />
        {extras}
      </BrowserRouter>
    </RemoteRoot>
  );
}
