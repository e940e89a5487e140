import { type EventEnvelope, minorUnitExponent, queryKeys } from "@payments/api-client";
import {
  Card,
  currencyLabel,
  dateTimeFormat,
  ErrorNotice,
  Grid,
  numberFormat,
  PageHeader,
  SelectField,
  Spinner,
  Stack,
  Stat,
  Table,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { currenciesOf } from "../components/charts.ts";
// The charts are the design system's CSS bars (under 1 KB compressed with their tables): part of the page,
// painted with its numbers. Loaded apart, they shifted the cards below when they arrived (Lighthouse CLS).
import { StackedBars, VolumeBars } from "../components/StackedBars.tsx";

const FEED_SIZE = 15;

/** The latest events as they arrive on the admin room (the dashboard's numbers follow by refetch). */
function useActivityFeed(): EventEnvelope[] {
  const { realtime } = usePlatform();
  const [events, setEvents] = useState<EventEnvelope[]>([]);
  useEffect(
    () => realtime.onEvent((event) => setEvents((list) => [event, ...list].slice(0, FEED_SIZE))),
    [realtime],
  );
  return events;
}

function describeEvent(event: EventEnvelope, money: (amount: number, currency: string) => string): string {
  switch (event.type) {
    case "payment.created":
    case "payment.processing":
    case "payment.succeeded":
    case "payment.failed":
    case "payment.canceled":
      return `Payment ${money(event.data.amount, event.data.currency)} ${event.data.status}`;
    case "refund.succeeded":
    case "refund.failed":
      return `Refund ${money(event.data.amount, event.data.currency)} ${event.data.status}`;
    case "user.registered":
      return `New ${event.data.role}: ${event.data.name}`;
    default:
      return event.type.replace(".", " ").replaceAll("_", " ");
  }
}

/** Short money for a chart axis ("$1.2K"), in the user's locale. */
function useAxisMoney(currency: string | undefined, locale: string): (amount: number) => string {
  return useMemo(() => {
    if (!currency) return (amount: number) => String(amount);
    const compact = numberFormat(locale, {
      style: "currency",
      currency: currency.toUpperCase(),
      notation: "compact",
    });
    return (amount: number) => compact.format(amount / 10 ** minorUnitExponent(currency));
  }, [currency, locale]);
}

/** Platform dashboard: headline numbers, volume per currency and charts, refreshed live as events arrive. */
export function DashboardPage() {
  const { api } = usePlatform();
  const format = useFormatters();
  const dashboard = useQuery({
    queryKey: queryKeys.admin.dashboard,
    queryFn: () => api.admin.dashboard(),
    // Events keep it fresh; the interval only covers a quiet or disconnected socket.
    refetchInterval: 60_000,
  });
  const feed = useActivityFeed();
  const [picked, setPicked] = useState<string>();
  // The figures render at transition priority, which React splits into short slices, instead of in one
  // task when the answer arrives (charts, tables: hundreds of elements, the page's Total Blocking Time).
  const d = useDeferredValue(dashboard.data);
  const loading = d === undefined && !dashboard.error;
  const currencies = d ? currenciesOf(d.per_day) : [];
  const currency = picked && currencies.includes(picked) ? picked : currencies[0];
  const axisMoney = useAxisMoney(currency, format.locale);
  // Buckets are UTC minutes and days: a day is labelled as the UTC date it is, a minute in local time.
  const time = dateTimeFormat(format.locale, { hour: "2-digit", minute: "2-digit" });
  const day = dateTimeFormat(format.locale, { month: "short", day: "numeric", timeZone: "UTC" });
  const asTime = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : time.format(new Date(iso)));
  const asDay = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : day.format(new Date(iso)));
  const totalPayments = d?.totals.reduce((sum, t) => sum + t.count, 0);
  const succeeded = d?.totals.filter((t) => t.status === "succeeded").reduce((sum, t) => sum + t.count, 0);
  const countIn = (code: string) =>
    d?.totals.filter((t) => t.currency === code).reduce((n, t) => n + t.count, 0);

  return (
    <Stack gap={4}>
      <PageHeader title="Dashboard" description="Live: figures update as payments happen." />
      {loading ? <Spinner label="Loading the dashboard" /> : null}
      {dashboard.error ? (
        <ErrorNotice error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : null}
      {d ? (
        <>
          <Grid compact>
            <Stat label="Payments" value={totalPayments ?? 0} />
            <Stat label="Succeeded" value={succeeded ?? 0} />
            <Stat label="Failures (24 h)" value={d.failures} />
            <Stat label="Active sessions" value={d.active_sessions} />
            <Stat label="Active users (15 min)" value={d.active_users} />
          </Grid>
          <Card title="Volume by currency">
            {d.volume.length === 0 ? (
              <p className="ui-hint">No payment has succeeded yet.</p>
            ) : (
              <Table caption="Money captured, refunded and net, per currency" stack hideCaption>
                <thead>
                  <tr>
                    <th scope="col">Currency</th>
                    <th scope="col" className="ui-num">
                      Payments
                    </th>
                    <th scope="col" className="ui-num">
                      Captured
                    </th>
                    <th scope="col" className="ui-num">
                      Refunded
                    </th>
                    <th scope="col" className="ui-num">
                      Net
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.volume.map((v) => (
                    <tr key={v.currency}>
                      <td>
                        <strong>{currencyLabel(v.currency, format.locale)}</strong>
                      </td>
                      <td className="ui-num ui-cell--meta">
                        <span className="ui-table__label">Payments: </span>
                        {countIn(v.currency) ?? 0}
                      </td>
                      <td className="ui-num ui-cell--meta ui-nowrap">
                        <span className="ui-table__label">Captured </span>
                        {format.money(v.captured, v.currency)}
                      </td>
                      <td className="ui-num ui-cell--meta ui-nowrap">
                        <span className="ui-table__label">Refunded </span>
                        {format.money(v.refunded, v.currency)}
                      </td>
                      {/* In a phone's card: first row, right column (no effect in a table). */}
                      <td className="ui-num ui-cell--end ui-nowrap" style={{ gridRow: 1 }}>
                        <span className="ui-table__label">Net </span>
                        <strong>{format.money(v.net, v.currency)}</strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
          <Card title="Payments per minute, last hour">
            <StackedBars
              buckets={d.per_minute}
              label="Payments created per minute by their status now"
              formatBucket={asTime}
            />
          </Card>
          <Card title="Payments per day, last 30 days">
            <StackedBars
              buckets={d.per_day}
              label="Payments created per day (UTC) by their status now"
              formatBucket={asDay}
            />
          </Card>
          {currency ? (
            <Card
              title={`Captured per day, ${currency.toUpperCase()}`}
              actions={
                currencies.length > 1 ? (
                  <SelectField
                    label="Currency"
                    name="volume-currency"
                    value={currency}
                    onChange={(event) => setPicked(event.target.value)}
                    options={currencies.map((code) => ({
                      value: code,
                      label: currencyLabel(code, format.locale),
                    }))}
                  />
                ) : null
              }
            >
              <VolumeBars
                buckets={d.per_day}
                currency={currency}
                label={`Money captured per day in ${currency.toUpperCase()}`}
                formatBucket={asDay}
                formatMoney={(amount) => format.money(amount, currency)}
                formatAxis={axisMoney}
              />
            </Card>
          ) : null}
        </>
      ) : null}
      {/* Under the figures, never before them: shown while they load, it was pushed down (Lighthouse CLS). */}
      {loading ? null : (
        <Card title="Live activity">
          {feed.length === 0 ? (
            <p className="ui-hint">Waiting for activity…</p>
          ) : (
            <ol className="ui-timeline" aria-live="polite">
              {feed.map((event) => (
                <li key={event.id}>
                  <time dateTime={event.occurred_at}>{format.dateTime(event.occurred_at)}</time>
                  <div>{describeEvent(event, format.money)}</div>
                </li>
              ))}
            </ol>
          )}
        </Card>
      )}
    </Stack>
  );
}
