import { queryKeys } from "@payments/api-client";
import {
  Alert,
  Button,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  Table,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useQuery } from "@tanstack/react-query";

/**
 * The ledger at a glance (docs/adr/0031): the reconciliation's verdict and problems, and per currency what
 * customers paid, what vendors are owed by stage, fee revenue and what was paid out (Σ of all = 0).
 */
export function LedgerPage() {
  const { api } = usePlatform();
  const format = useFormatters();
  const check = useQuery({ queryKey: queryKeys.ledger.check, queryFn: () => api.ledger.check() });
  const data = check.data;
  return (
    <Stack gap={4}>
      <PageHeader
        title="Ledger"
        description="Double-entry journal of vendors' money; the reconciliation proves it adds up."
        actions={
          <Button variant="secondary" size="sm" busy={check.isFetching} onClick={() => void check.refetch()}>
            Run the check again
          </Button>
        }
      />
      <ErrorNotice error={check.error ?? undefined} />
      {check.isPending ? <Spinner label="Reconciling" /> : null}
      {data ? (
        data.balanced ? (
          <Alert tone="success" title="Balanced">
            {data.entries} entries, {data.postings} postings and {data.accounts} accounts reconcile (checked{" "}
            {format.dateTime(data.checked_at)}).
          </Alert>
        ) : (
          <Alert tone="danger" title={`${data.problems.length} problems`}>
            The reconciliation of {format.dateTime(data.checked_at)} found what is listed below (runbook:
            LedgerUnbalanced).
          </Alert>
        )
      ) : null}
      {data && data.currencies.length > 0 ? (
        <Table caption="Totals per currency" stack>
          <thead>
            <tr>
              <th scope="col">Currency</th>
              <th scope="col" className="ui-num">
                Customers paid
              </th>
              <th scope="col" className="ui-num">
                Vendors pending
              </th>
              <th scope="col" className="ui-num">
                Vendors available
              </th>
              <th scope="col" className="ui-num">
                In transit
              </th>
              <th scope="col" className="ui-num">
                Fee revenue
              </th>
              <th scope="col" className="ui-num">
                Paid out
              </th>
              <th scope="col" className="ui-num">
                Σ postings
              </th>
            </tr>
          </thead>
          <tbody>
            {data.currencies.map((c) => {
              const money = (amount: number) => format.money(amount, c.currency);
              const cell = (label: string, amount: number, order: number) => (
                <td className="ui-num ui-nowrap ui-cell--meta" style={{ order }}>
                  <span className="ui-table__label">{label} </span>
                  {money(amount)}
                </td>
              );
              return (
                <tr key={c.currency}>
                  <td style={{ order: 1 }}>{c.currency.toUpperCase()}</td>
                  {cell("Customers paid", -c.customer_spent, 2)}
                  {cell("Vendors pending", c.vendor_pending, 3)}
                  {cell("Vendors available", c.vendor_available, 4)}
                  {cell("In transit", c.vendor_in_transit, 5)}
                  {cell("Fee revenue", c.fee_revenue, 6)}
                  {cell("Paid out", c.paid_out, 7)}
                  <td className="ui-num ui-cell--end" style={{ order: 1 }}>
                    <span className="ui-table__label">Σ </span>
                    {c.postings_sum}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      ) : null}
      {data && data.problems.length > 0 ? (
        <Table caption="Problems" stack>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Subject</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {data.problems.map((p) => (
              <tr key={`${p.kind}:${p.subject}`}>
                <td>{p.kind.replaceAll("_", " ")}</td>
                <td className="ui-cell--meta">{p.subject}</td>
                <td className="ui-cell--meta">{p.detail}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
