import { queryKeys, type Role } from "@payments/api-client";
import {
  Button,
  Card,
  EmptyState,
  ErrorNotice,
  PageHeader,
  Spinner,
  useFormatters,
  usePlatform,
  useSession,
} from "@payments/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { Link, useSearchParams } from "react-router";
import { ExportButton } from "../components/ExportButton.tsx";
import { anyFilter, FILTER_KEYS, type FilterKey, filterState, parseFilters } from "../components/filters.ts";
import { ListFilters } from "../components/ListFilters.tsx";
import { PaymentTable } from "../components/PaymentTable.tsx";
import { payeeName, payerName } from "../components/parties.ts";

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

const TITLES: Record<Role, string> = {
  customer: "Payments",
  vendor: "Payments received",
  admin: "All payments",
};

/** What an empty list says before any filter: a first step for a new customer, not "no match". */
function Welcome({ role, basePath }: { role: Role | undefined; basePath: string }) {
  if (role === "customer") {
    return (
      <EmptyState>
        <h2>Welcome! You have not paid anyone yet</h2>
        <p>Choose a vendor, enter the amount, and the payment goes through in seconds.</p>
        <Link className="ui-button ui-button--primary" to={`${basePath}/new`}>
          New payment
        </Link>
      </EmptyState>
    );
  }
  if (role === "vendor") {
    return (
      <EmptyState>
        <h2>No payments received yet</h2>
        <p>When a customer pays you, the payment shows up here at once, without reloading.</p>
      </EmptyState>
    );
  }
  return <EmptyState>No payments on the platform yet.</EmptyState>;
}

/** Payments, newest first, filtered and searched; more load as you scroll (cursor pages). */
export function PaymentListPage({ basePath }: { basePath: string }) {
  const { api } = usePlatform();
  const session = useSession();
  const format = useFormatters();
  const [params, setParams] = useSearchParams();
  const state = filterState(params);
  const { api: filters, errors } = parseFilters(state, format.currency, format.locale);
  const filtered = anyFilter(state);
  const list = useInfiniteQuery({
    queryKey: queryKeys.payments.list({ ...filters, "amount[gte]": state.min, "amount[lte]": state.max }),
    queryFn: ({ pageParam }) => api.payments.list(filters, pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.data.at(-1)?.id : undefined),
  });
  const canLoadMore = list.hasNextPage && !list.isFetchingNextPage;
  const sentinel = useInfiniteScroll(() => void list.fetchNextPage(), canLoadMore);
  const payments = list.data?.pages.flatMap((page) => page.data) ?? [];
  const user = session.status === "signed_in" ? session.user : undefined;
  const role = user?.role;
  const count = `Payments (${payments.length}${list.hasNextPage ? "+" : ""})`;

  // The latest query, also when two changes come in one turn (a debounced search and a typed amount):
  // react-router's functional update reads the query of the last render, so one change would undo the other.
  const latest = useRef(params);
  latest.current = params;
  const replaceQuery = useCallback(
    (change: (query: URLSearchParams) => void) => {
      const next = new URLSearchParams(latest.current);
      change(next);
      latest.current = next;
      setParams(next, { replace: true });
    },
    [setParams],
  );
  const setFilter = useCallback(
    (name: FilterKey, value: string) =>
      replaceQuery((query) => {
        if (value) query.set(name, value);
        else query.delete(name);
      }),
    [replaceQuery],
  );
  const clear = () =>
    replaceQuery((query) => {
      for (const key of FILTER_KEYS) query.delete(key);
    });
  const withCounterparty = payments.find(
    (p) => p.payer_id === state.counterparty || p.payee_id === state.counterparty,
  );
  const counterpartyName = withCounterparty
    ? withCounterparty.payer_id === state.counterparty
      ? payerName(withCounterparty)
      : payeeName(withCounterparty)
    : undefined;

  return (
    <>
      <PageHeader
        title={role ? TITLES[role] : "Payments"}
        description="Newest first. Updates arrive live; no need to reload."
        actions={
          <>
            {role !== "admin" ? (
              <Link className="ui-button ui-button--secondary" to={`${basePath}/reports`}>
                Reports
              </Link>
            ) : null}
            {role === "customer" ? (
              <Link className="ui-button ui-button--primary" to={`${basePath}/new`}>
                New payment
              </Link>
            ) : null}
          </>
        }
      />
      <Card>
        <ListFilters
          state={state}
          errors={errors}
          counterpartyName={counterpartyName}
          onChange={setFilter}
          onClear={clear}
        />
        {list.isPending ? <Spinner label="Loading payments" /> : null}
        {list.error ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.isSuccess && payments.length === 0 ? (
          filtered ? (
            <EmptyState>No payments match these filters.</EmptyState>
          ) : (
            <Welcome role={role} basePath={basePath} />
          )
        ) : null}
        {payments.length > 0 ? (
          <>
            <div
              className="ui-cluster"
              style={{ justifyContent: "space-between", margin: "var(--ui-space-3) 0 var(--ui-space-1)" }}
            >
              {/* The table's caption says it for assistive technology; this line is what the eye reads. */}
              <strong aria-hidden="true">{count}</strong>
              <ExportButton filters={filters} />
            </div>
            <PaymentTable
              payments={payments}
              caption={<span className="ui-visually-hidden">{count}</span>}
              role={role}
              userId={user?.id}
              basePath={basePath}
            />
          </>
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
