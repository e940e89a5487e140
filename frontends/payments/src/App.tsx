import type { RemoteAppProps } from "@payments/api-client";
import { RemoteRoot } from "@payments/ui";
import { Navigate, Route, Routes } from "react-router";
import { NewPaymentPage } from "./pages/NewPaymentPage.tsx";
import { PaymentDetailPage } from "./pages/PaymentDetailPage.tsx";
import { PaymentListPage } from "./pages/PaymentListPage.tsx";

/** The payments remote (mounted at `/payments`): list, create, detail with cancel and refund. */
export default function PaymentsApp({ platform, basePath }: RemoteAppProps) {
  return (
    <RemoteRoot platform={platform}>
      <Routes>
        <Route index element={<PaymentListPage basePath={basePath} />} />
        <Route path="new" element={<NewPaymentPage basePath={basePath} />} />
        <Route path=":id" element={<PaymentDetailPage basePath={basePath} />} />
        <Route path="*" element={<Navigate to={basePath || "/"} replace />} />
      </Routes>
    </RemoteRoot>
  );
}
