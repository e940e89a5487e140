import type { RemoteAppProps } from "@payments/api-client";
import { RemoteRoot, Spinner } from "@payments/ui";
import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";
import { DashboardPage } from "./pages/DashboardPage.tsx";

// The dashboard is where admins land (its chart library is split off inside it); the other pages are
// fetched when first opened.
const UsersPage = lazy(() =>
  import("./pages/UsersPage.tsx").then((module) => ({ default: module.UsersPage })),
);
const AuditLogPage = lazy(() =>
  import("./pages/AuditLogPage.tsx").then((module) => ({ default: module.AuditLogPage })),
);
const ConfigPage = lazy(() =>
  import("./pages/ConfigPage.tsx").then((module) => ({ default: module.ConfigPage })),
);

const LedgerPage = lazy(() =>
  import("./pages/LedgerPage.tsx").then((module) => ({ default: module.LedgerPage })),
);

/** The admin remote (mounted at `/admin`, admins only): dashboard, users, audit log, configuration, ledger. */
export default function AdminApp({ platform, basePath }: RemoteAppProps) {
  return (
    <RemoteRoot platform={platform}>
      <Suspense fallback={<Spinner label="Loading the page" />}>
        <Routes>
          <Route index element={<DashboardPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="audit" element={<AuditLogPage />} />
          <Route path="config" element={<ConfigPage />} />
          <Route path="ledger" element={<LedgerPage />} />
          <Route path="*" element={<Navigate to={basePath || "/"} replace />} />
        </Routes>
      </Suspense>
    </RemoteRoot>
  );
}
