import type { RemoteAppProps } from "@payments/api-client";
import { RemoteRoot, Spinner } from "@payments/ui";
import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";
import { PaymentListPage } from "./pages/PaymentListPage.tsx";

// The list is where people land; the form and the detail page are fetched when first opened, so the first
// visit downloads only what it shows.
const NewPaymentPage = lazy(() =>
  import("./pages/NewPaymentPage.tsx").then((module) => ({ default: module.NewPaymentPage })),
);
const PaymentDetailPage = lazy(() =>
  import("./pages/PaymentDetailPage.tsx").then((module) => ({ default: module.PaymentDetailPage })),
);
const BalancePage = lazy(() =>
  import("./pages/BalancePage.tsx").then((module) => ({ default: module.BalancePage })),
);
const ReportsPage = lazy(() =>
  import("./pages/ReportsPage.tsx").then((module) => ({ default: module.ReportsPage })),
);

/** The payments remote (mounted at `/payments`): list, create, detail with cancel and refund, reports, balance. */
export default function PaymentsApp({ platform, basePath }: RemoteAppProps) {
  return (
    <RemoteRoot platform={platform}>
      <Suspense fallback={<Spinner label="Loading the page" />}>
        <Routes>
          <Route index element={<PaymentListPage basePath={basePath} />} />
          <Route path="new" element={<NewPaymentPage basePath={basePath} />} />
          <Route path="reports" element={<ReportsPage basePath={basePath} />} />
          <Route path="balance" element={<BalancePage basePath={basePath} />} />
          <Route path=":id" element={<PaymentDetailPage basePath={basePath} />} />
          <Route path="*" element={<Navigate to={basePath || "/"} replace />} />
        </Routes>
      </Suspense>
    </RemoteRoot>
  );
}
