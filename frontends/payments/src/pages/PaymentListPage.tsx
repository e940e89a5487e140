import { type Payment, type PaymentFilters, paymentStatusSchema, queryKeys } from "@payments/api-client";
import {
  Button,
  Card,
  Cluster,
  EmptyState,
  ErrorNotice,
  PageHeader,
  SelectField,
  Spinner,
  Table,
  useFormatters,
  usePlatform,
  useSession,
} from "@payments/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, useSearchParams } from "react-router";
import { STATUS_LABELS, StatusBadge } from "../components/StatusBadge.tsx";

const PAGE_SIZE = 20;

/** Loads the next page when the sentinel scrolls into view (the button stays for keyboards and tests). */
function useInfiniteScroll(onVisible: () => void, enabled: boolean) {
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !enabled || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onVisible();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [onVisible, enabled]);
  return sentinel;
}

function Row({
  payment,
  userId,
  basePath,
}: {
  payment: Payment;
  userId: string | undefined;
  basePath: string;
}) {
  const format = useFormatters();
  const incoming = payment.payee_id === userId;
  return (
    <tr>
      <td>{format.dateTime(payment.created_at)}</td>
      <td>
        <Link to={`${basePath}/${payment.id}`}>{payment.description || payment.id}</Link>
      </td>
      <td>{incoming ? "Received" : "Sent"}</td>
      <td className="ui-num">{format.money(payment.amount, payment.currency)}</td>
      <td>
        <StatusBadge status={payment.status} />
      </td>
    </tr>
  );
}

/** My payments, newest first, filtered by status and direction; more load as you scroll (cursor pages). */
export function PaymentListPage({ basePath }: { basePath: string }) {
  const { api } = usePlatform();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const role = params.get("role") ?? "";
  const filters: PaymentFilters = {
    status: status || undefined,
    role: role === "payer" || role === "payee" ? role : undefined,
  };
  const list = useInfiniteQuery({
    queryKey: queryKeys.payments.list({ status: filters.status, role: filters.role }),
    queryFn: ({ pageParam }) => api.payments.list(filters, pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.data.at(-1)?.id : undefined),
  });
  const canLoadMore = list.hasNextPage && !list.isFetchingNextPage;
  const sentinel = useInfiniteScroll(() => void list.fetchNextPage(), canLoadMore);
  const payments = list.data?.pages.flatMap((page) => page.data) ?? [];
  const userId = session.status === "signed_in" ? session.user.id : undefined;
  const isCustomer = session.status === "signed_in" && session.user.role === "customer";

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Payments"
        description="Updates arrive live; no need to reload."
        actions={
          isCustomer ? (
            <Link className="ui-button ui-button--primary" to={`${basePath}/new`}>
              New payment
            </Link>
          ) : null
        }
      />
      <Card>
        <Cluster gap={4}>
          <SelectField
            label="Status"
            name="status"
            value={status}
            onChange={(e) => setFilter("status", e.target.value)}
            options={[
              { value: "", label: "Any status" },
              ...paymentStatusSchema.options.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
            ]}
          />
          <SelectField
            label="Direction"
            name="role"
            value={role}
            onChange={(e) => setFilter("role", e.target.value)}
            options={[
              { value: "", label: "Sent and received" },
              { value: "payer", label: "Sent" },
              { value: "payee", label: "Received" },
            ]}
          />
        </Cluster>
        {list.isPending ? <Spinner label="Loading payments" /> : null}
        {list.error ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.isSuccess && payments.length === 0 ? (
          <EmptyState>No payments match these filters.</EmptyState>
        ) : null}
        {payments.length > 0 ? (
          <Table caption={`Payments (${payments.length}${list.hasNextPage ? "+" : ""})`}>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Payment</th>
                <th scope="col">Direction</th>
                <th scope="col" className="ui-num">
                  Amount
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((payment) => (
                <Row key={payment.id} payment={payment} userId={userId} basePath={basePath} />
              ))}
            </tbody>
          </Table>
        ) : null}
        <div ref={sentinel} />
        {list.hasNextPage ? (
          <Button
            variant="secondary"
            busy={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            Load more
          </Button>
        ) : null}
      </Card>
    </>
  );
}
