import { type EventEnvelope, queryKeys } from "@payments/api-client";
import {
  Card,
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
import { lazy, Suspense, useEffect, useState } from "react";

// The chart library is most of this remote's weight: a chunk of its own, fetched when the dashboard opens
// (alongside its data, see below) and never by the other admin pages; the numbers paint without it.
const loadCharts = () => import("../components/StackedBars.tsx");
const StackedBars = lazy(() => loadCharts().then((module) => ({ default: module.StackedBars })));

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

/** Platform dashboard: headline numbers and charts, refreshed live as events arrive. */
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
  // Start fetching the chart code now, in parallel with the data, not once the data has arrived.
  useEffect(() => {
    void loadCharts();
  }, []);
  const time = new Intl.DateTimeFormat(format.locale, { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat(format.locale, { month: "short", day: "numeric" });
  const asTime = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : time.format(new Date(iso)));
  const asDay = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : day.format(new Date(iso)));
  const d = dashboard.data;
  const totalPayments = d?.totals.reduce((sum, t) => sum + t.count, 0);
  const succeeded = d?.totals.filter((t) => t.status === "succeeded").reduce((sum, t) => sum + t.count, 0);

  return (
    <Stack gap={4}>
      <PageHeader title="Dashboard" description="Live: figures update as payments happen." />
      {dashboard.isPending ? <Spinner label="Loading the dashboard" /> : null}
      {dashboard.error ? (
        <ErrorNotice error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : null}
      {d ? (
        <>
          <Grid>
            <Stat label="Payments" value={totalPayments ?? 0} />
            <Stat label="Succeeded" value={succeeded ?? 0} />
            <Stat label="Failures" value={d.failures ?? 0} />
            <Stat label="Active sessions" value={d.active_sessions} />
            <Stat label="Active users (15 min)" value={d.active_users} />
          </Grid>
          <Card title="Payments per minute">
            <Suspense fallback={<Spinner label="Loading the chart" />}>
              <StackedBars
                points={d.per_minute}
                label="Payments per minute by status"
                formatBucket={asTime}
              />
            </Suspense>
          </Card>
          <Card title="Payments per day">
            <Suspense fallback={<Spinner label="Loading the chart" />}>
              <StackedBars points={d.per_day} label="Payments per day by status" formatBucket={asDay} />
            </Suspense>
          </Card>
        </>
      ) : null}
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
    </Stack>
  );
}
