import type { Platform } from "@payments/api-client";
import { RemoteRoot } from "@payments/ui";
import type { ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { PreferencesPage } from "../prefs/PreferencesPage.tsx";
import type { RemoteLoader } from "../remotes/loader.ts";
import { RemoteSlot } from "../remotes/RemoteSlot.tsx";
import { Home, NotFound, RequireSession } from "./guards.tsx";
import { Layout } from "./Layout.tsx";

/** The shell's routes: each remote owns everything under its prefix and is loaded when first visited. */
export function ShellRoutes({ loader }: { loader: RemoteLoader }) {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="login" element={<Navigate to="/account/login" replace />} />
        <Route path="register" element={<Navigate to="/account/register" replace />} />
        <Route path="account/*" element={<RemoteSlot name="auth" basePath="/account" loader={loader} />} />
        <Route
          path="payments/*"
          element={
            <RequireSession>
              <RemoteSlot name="payments" basePath="/payments" loader={loader} />
            </RequireSession>
          }
        />
        <Route
          path="admin/*"
          element={
            <RequireSession requiredRole="admin">
              <RemoteSlot name="admin" basePath="/admin" loader={loader} />
            </RequireSession>
          }
        />
        <Route
          path="preferences"
          element={
            <RequireSession>
              <PreferencesPage />
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
