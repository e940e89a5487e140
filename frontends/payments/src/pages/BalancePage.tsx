import { queryKeys } from "@payments/api-client";
import {
  Card,
  EmptyState,
  ErrorNotice,
  Grid,
  PageHeader,
  Spinner,
  Stack,
  Stat,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { BankAccountForm, PayoutForm, StatementDownload } from "../components/balance/BalanceForms.tsx";
import { PayoutsTable, TransactionsTable } from "../components/balance/BalanceTables.tsx";

/** Funds move on a timer (release, payouts): the page re-reads every few seconds while it is open. */
const REFRESH_MS = 5_000;

/**
 * The vendor's money (docs/adr/0031): pending, available and in transit per currency, the next daily payout,
 * the bank account, a payout request, the balance lines, the payouts and the monthly statement.
 */
export function BalancePage({ basePath }: { basePath: string }) {
  const { api } = usePlatform();
  const format = useFormatters();
  const balance = useQuery({
    queryKey: queryKeys.balance.get,
    queryFn: () => api.balance.get(),
    refetchInterval: REFRESH_MS,
  });
  const lines = useQuery({
    queryKey: queryKeys.balance.transactions({}),
    queryFn: () => api.balance.transactions({ limit: 20 }),
    refetchInterval: REFRESH_MS,
  });
  const payouts = useQuery({
    queryKey: queryKeys.balance.payouts,
    queryFn: () => api.balance.payouts({ limit: 20 }),
    refetchInterval: REFRESH_MS,
  });
  const data = balance.data;
  const available = (data?.balances ?? [])
    .filter((b) => b.available > 0)
    .map((b) => ({ currency: b.currency, amount: b.available }));
  const delayDays = data ? data.settlement_delay_seconds / 86_400 : 0;

  return (
    <Stack gap={4}>
      <PageHeader
        title="Balance"
        description={
          <>
            Money you received, less the platform fee.{" "}
            {data && data.settlement_delay_seconds > 0
              ? `Payments become available ${delayDays >= 1 ? `${Math.round(delayDays)} days` : `${data.settlement_delay_seconds} seconds`} after they succeed. `
              : null}
            <Link to={basePath || "/"}>Payments received</Link>
          </>
        }
      />
      <ErrorNotice error={balance.error ?? undefined} />
      {balance.isPending ? <Spinner label="Loading your balance" /> : null}
      {data && data.balances.length === 0 ? (
        <EmptyState>No balance yet: payments you receive show here once they succeed.</EmptyState>
      ) : null}
      {data?.balances.map((b) => (
        <section key={b.currency} aria-label={`Balance in ${b.currency.toUpperCase()}`}>
          <Grid compact>
            <Stat
              label={`Pending (${b.currency.toUpperCase()})`}
              value={format.money(b.pending, b.currency)}
            />
            <Stat
              label={`Available (${b.currency.toUpperCase()})`}
              value={format.money(b.available, b.currency)}
            />
            <Stat
              label={`In transit (${b.currency.toUpperCase()})`}
              value={format.money(b.in_transit, b.currency)}
            />
          </Grid>
        </section>
      ))}
      {data ? (
        <Grid>
          <Card title="Next payout">
            {data.next_payout ? (
              <p>
                <time dateTime={data.next_payout.scheduled_at}>
                  {format.dateTime(data.next_payout.scheduled_at)}
                </time>
                {data.next_payout.estimates.length > 0
                  ? `: ${data.next_payout.estimates.map((e) => format.money(e.amount, e.currency)).join(", ")}`
                  : ": nothing available yet"}
              </p>
            ) : data.bank_account ? (
              <p>No scheduled payouts: request one below when you need it.</p>
            ) : (
              <p>Add a bank account to be paid out.</p>
            )}
          </Card>
          <BankAccountForm last4={data.bank_account?.last4} />
          {data.bank_account ? (
            <PayoutForm key={available.map((a) => a.currency).join()} available={available} />
          ) : null}
          <StatementDownload />
        </Grid>
      ) : null}
      <section aria-labelledby="balance-lines">
        <Stack gap={2}>
          <h2 id="balance-lines">Balance transactions</h2>
          <ErrorNotice error={lines.error ?? undefined} />
          {lines.data && lines.data.data.length > 0 ? (
            <TransactionsTable lines={lines.data.data} basePath={basePath} />
          ) : null}
          {lines.data && lines.data.data.length === 0 ? <p className="ui-hint">None yet.</p> : null}
        </Stack>
      </section>
      <section aria-labelledby="balance-payouts">
        <Stack gap={2}>
          <h2 id="balance-payouts">Payouts</h2>
          <ErrorNotice error={payouts.error ?? undefined} />
          {payouts.data && payouts.data.data.length > 0 ? <PayoutsTable payouts={payouts.data.data} /> : null}
          {payouts.data && payouts.data.data.length === 0 ? <p className="ui-hint">None yet.</p> : null}
        </Stack>
      </section>
    </Stack>
  );
}
