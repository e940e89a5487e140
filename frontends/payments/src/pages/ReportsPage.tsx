import { minorUnitExponent, queryKeys, timeZoneName } from "@payments/api-client";
import {
  Card,
  ChartPlaceholder,
  currencyLabel,
  EmptyState,
  ErrorNotice,
  Grid,
  PageHeader,
  SelectField,
  Spinner,
  Stack,
  Stat,
  useFormatters,
  usePlatform,
  useSession,
} from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState } from "react";
import { Link } from "react-router";
import { DayTable } from "../components/DayTable.tsx";
import { currenciesByVolume, DAILY_CHART_HEIGHT, dailyPoints, lastDays } from "../components/report-data.ts";

// The chart is a chunk of its own, fetched when a chart is shown; the numbers and the table paint without
// it, and the list page never fetches it.
const DailyChart = lazy(() =>
  import("../components/DailyChart.tsx").then((module) => ({ default: module.DailyChart })),
);

const PERIODS = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
];

/** Volume and counts per day for the signed-in customer or vendor, per currency, with a chart. */
export function ReportsPage({ basePath }: { basePath: string }) {
  const { api } = usePlatform();
  const format = useFormatters();
  const session = useSession();
  const role = session.status === "signed_in" ? session.user.role : undefined;
  const [period, setPeriod] = useState("30");
  const [picked, setPicked] = useState<string>();
  const range = useMemo(() => lastDays(Number(period)), [period]);
  const report = useQuery({
    queryKey: [...queryKeys.payments.summary, range.from, range.to, range.timeZone],
    queryFn: () =>
      api.payments.summary({ from: range.from, to: range.to, time_zone: timeZoneName(range.timeZone) }),
  });
  const currencies = report.data ? currenciesByVolume(report.data) : [];
  const currency = picked && currencies.includes(picked) ? picked : currencies[0];
  const total = report.data?.totals.find((t) => t.currency === currency);
  const points = report.data && currency ? dailyPoints(report.data, currency, range) : [];
  const money = (amount: number) => (currency ? format.money(amount, currency) : String(amount));
  const axis = useMemo(() => {
    if (!currency) return (amount: number) => String(amount);
    const compact = new Intl.NumberFormat(format.locale, {
      style: "currency",
      currency: currency.toUpperCase(),
      notation: "compact",
    });
    return (amount: number) => compact.format(amount / 10 ** minorUnitExponent(currency));
  }, [currency, format.locale]);
  const dayFormat = useMemo(
    () => new Intl.DateTimeFormat(format.locale, { month: "short", day: "numeric", timeZone: "UTC" }),
    [format.locale],
  );
  const formatDay = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`));
  const moved = role === "vendor" ? "Received" : "Paid";

  return (
    <Stack gap={4}>
      <PageHeader
        title="Reports"
        description={<Link to={basePath || "/"}>Back to all payments</Link>}
        actions={
          <div className="ui-filters" style={{ minWidth: "min(100%, 21rem)" }}>
            <SelectField
              label="Period"
              name="period"
              value={period}
              onChange={(event) => setPeriod(event.target.value)}
              options={PERIODS}
            />
            {currencies.length > 1 ? (
              <SelectField
                label="Currency"
                name="currency"
                value={currency}
                onChange={(event) => setPicked(event.target.value)}
                options={currencies.map((code) => ({
                  value: code,
                  label: currencyLabel(code, format.locale),
                }))}
              />
            ) : null}
          </div>
        }
      />
      {report.isPending ? <Spinner label="Loading the report" /> : null}
      {report.error ? <ErrorNotice error={report.error} onRetry={() => void report.refetch()} /> : null}
      {report.isSuccess && !total ? <EmptyState>No payments in this period yet.</EmptyState> : null}
      {total && currency ? (
        <>
          <Grid compact>
            <Stat label={`${moved} (${currency.toUpperCase()})`} value={money(total.volume)} />
            <Stat label="Payments" value={total.count} />
            <Stat label="Refunded" value={money(total.refunded)} />
            <Stat label="Failed" value={total.failed} />
          </Grid>
          <Card title={`${moved} per day`}>
            <Suspense fallback={<ChartPlaceholder height={DAILY_CHART_HEIGHT} />}>
              <DailyChart
                points={points}
                label={`${moved} per day in ${currency.toUpperCase()}`}
                formatDay={formatDay}
                formatMoney={money}
                formatAxis={axis}
              />
            </Suspense>
            <details>
              <summary>Show the numbers</summary>
              <DayTable
                points={points}
                caption={`${moved} per day in ${currency.toUpperCase()}`}
                moved={moved}
                formatDay={formatDay}
                money={money}
              />
            </details>
          </Card>
        </>
      ) : null}
    </Stack>
  );
}
