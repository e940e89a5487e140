import type { RemoteAppProps } from "@payments/api-client";
import { RemoteRoot } from "@payments/ui";
import { Navigate, Route, Routes } from "react-router";
import { AuditLogPage } from "./pages/AuditLogPage.tsx";
import { ConfigPage } from "./pages/ConfigPage.tsx";
import { DashboardPage } from "./pages/DashboardPage.tsx";
import { UsersPage } from "./pages/UsersPage.tsx";

/** The admin remote (mounted at `/admin`, admins only): dashboard, users, audit log, configuration. */
export default function AdminApp({ platform, basePath }: RemoteAppProps) {
  return (
    <RemoteRoot platform={platform}>
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="audit" element={<AuditLogPage />} />
        <Route path="config" element={<ConfigPage />} />
        <Route path="*" element={<Navigate to={basePath || "/"} replace />} />
      </Routes>
    </RemoteRoot>
  );
}
